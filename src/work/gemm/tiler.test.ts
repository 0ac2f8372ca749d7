import { describe, expect, it } from 'vitest'
import { createTiler, decodeCursor, encodeCursor, parseShardId, shardIdOf, type Tile } from './tiler.ts'

const options = { batchRows: 100, inFeatures: 64, outFeatures: 70, maxRows: 48, maxCols: 64, granule: 16 }
const flops = (m: number, n: number) => 2 * m * n * options.inFeatures

function cover(sizes: number[]): Tile[] {
  const tiler = createTiler(options)
  const tiles: Tile[] = []
  for (let i = 0; tiles.length === 0 || tiles.at(-1)!.batch === 0; i++)
    tiles.push(tiler.next(sizes[i % sizes.length]))
  return tiles.slice(0, -1)
}

describe('tiler', () => {
  it('covers a batch exactly once, edges included, whatever sizes the leases ask for', () => {
    for (const sizes of [
      [flops(16, 16)],
      [flops(32, 32), flops(16, 16), flops(48, 64)],
      [flops(1000, 1000)],
      [1],
    ]) {
      const covered = new Uint8Array(options.batchRows * options.outFeatures)
      for (const t of cover(sizes)) {
        expect(t.m).toBeLessThanOrEqual(options.maxRows)
        expect(t.n).toBeLessThanOrEqual(options.maxCols)
        for (let i = t.row0; i < t.row0 + t.m; i++)
          for (let j = t.col0; j < t.col0 + t.n; j++) covered[i * options.outFeatures + j]++
      }
      expect(covered.every((c) => c === 1)).toBe(true)
    }
  })

  it('cuts tiles about as large as asked, as wide as they can be, in multiples of the granule', () => {
    const tiler = createTiler(options)
    // 1024 elements: a strip one granule high, 64 wide (fewer bytes of A per FLOP than 32 × 32).
    const t = tiler.next(flops(32, 32))
    expect([t.m, t.n]).toEqual([16, 64])
    // 6 columns are left, less than a granule: the next tile of the strip takes them.
    expect(tiler.next(flops(32, 32))).toMatchObject({ row0: 0, col0: 64, m: 16, n: 6 })
    expect(tiler.next(flops(48, 64))).toMatchObject({ row0: 16, col0: 0, m: 48, n: 64 })
    expect(tiler.next(flops(16, 16))).toMatchObject({ row0: 16, col0: 64, m: 48, n: 6 })
  })

  it('resumes from its cursor, and ids name their tile and layer', () => {
    const tiler = createTiler(options)
    tiler.next(flops(16, 16))
    const saved = encodeCursor(tiler.cursor())
    const next = tiler.next(flops(16, 16))
    expect(createTiler(options, decodeCursor(saved, options)).next(flops(16, 16))).toEqual(next)
    expect(parseShardId(shardIdOf('abcd', next), 'abcd', options)).toEqual(next)
    expect(parseShardId(shardIdOf('abcd', next), 'ffff', options)).toBeUndefined()
    expect(parseShardId('gabcd.0.90.0.48x16', 'abcd', options)).toBeUndefined()
    expect(decodeCursor('garbage', options)).toBeUndefined()
  })
})
