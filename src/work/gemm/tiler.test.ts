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

  it('gives each contributor the tiles of its own strip, so its rows of X are fetched once', () => {
    const wide = { ...options, outFeatures: 256, maxCols: 64 }
    const tiler = createTiler(wide)
    const covered = new Uint8Array(wide.batchRows * wide.outFeatures)
    const strips = new Map<string, Set<string>>()
    // Three contributors ask in turn, each a tile of its own size, until a batch is covered.
    const asks: Array<[string, number]> = [
      ['a', flops(16, 32)],
      ['b', flops(32, 64)],
      ['c', flops(48, 16)],
    ]
    for (let i = 0; i < 300; i++) {
      const [who, size] = asks[i % asks.length]
      const t = tiler.next(size, who)
      if (t.batch > 0) continue
      for (let r = t.row0; r < t.row0 + t.m; r++)
        for (let c = t.col0; c < t.col0 + t.n; c++) covered[r * wide.outFeatures + c]++
      const mine = strips.get(who) ?? new Set()
      mine.add(`${t.row0}:${t.m}`)
      strips.set(who, mine)
    }
    expect(covered.every((c) => c === 1)).toBe(true)
    // 256 columns in tiles of up to 64: each strip is four or more tiles, all its holder's.
    const total = [...strips.values()].reduce((s, set) => s + set.size, 0)
    expect(total).toBeLessThanOrEqual(7)
    for (const [who, set] of strips) {
      for (const strip of set) {
        const owners = [...strips].filter(([, other]) => other.has(strip)).map(([w]) => w)
        expect(owners, `strip ${strip}`).toEqual([who])
      }
    }
  })

  it('hands a strip its contributor left to the next one that needs a strip', () => {
    let now = 0
    const wide = { ...options, outFeatures: 256, maxCols: 64, idleMs: 1000, now: () => now }
    const tiler = createTiler(wide)
    const first = tiler.next(flops(16, 64), 'gone')
    expect(first).toMatchObject({ row0: 0, col0: 0, m: 16, n: 64 })
    now = 5000
    // 'gone' asked for nothing for 5 s: its strip's remaining 192 columns go to 'next'.
    expect(tiler.next(flops(32, 64), 'next')).toMatchObject({ row0: 0, col0: 64, m: 16 })
    // 'gone' comes back and gets a new strip, not the one it gave up.
    expect(tiler.next(flops(16, 64), 'gone')).toMatchObject({ row0: 16, col0: 0 })
  })

  it('keeps at most maxHolders strips held, whatever number of contributors ask', () => {
    const wide = { ...options, outFeatures: 256, maxCols: 64, maxHolders: 2 }
    const tiler = createTiler(wide)
    for (const who of ['a', 'b', 'c']) tiler.next(flops(16, 64), who)
    // 'a' was pushed out when 'c' came: the next newcomer continues a's strip.
    expect(tiler.next(flops(16, 64), 'd')).toMatchObject({ row0: 0, col0: 64 })
  })
})
