import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createBlobStore } from '../../validator/blob-store.ts'
import { createWorkerPool } from '../../validator/worker-pool.ts'
import { type GemmGrant, grantCodec, type WeightsPanel } from './codec.ts'
import { assembleColumns } from './contributor.ts'
import { columnRange } from './matrix.ts'
import { createSyntheticLayer } from './synthetic-layer.ts'
import { gemmValidator } from './validator.ts'

const hash = (i: number) => i.toString(16).padStart(64, '0')
const panel = (i: number, col0: number, cols: number): WeightsPanel => ({ sha256: hash(i), col0, cols })
const grant = (col0: number, n: number, panels: WeightsPanel[]): GemmGrant => ({
  row0: 0,
  m: 2,
  k: 3,
  rowBlocks: [{ sha256: hash(99), row0: 0, rows: 16 }],
  col0,
  n,
  panels,
})
const roundTrip = (g: GemmGrant) => grantCodec.decode(grantCodec.encode(g))

describe('gemm weight panels', () => {
  it('accepts the panels that hold exactly the tile’s columns', () => {
    const g = grant(40, 30, [panel(1, 32, 32), panel(2, 64, 32)])
    expect(roundTrip(g).panels).toEqual(g.panels)
  })

  it('refuses panels with a gap, panels that miss columns, and panels the tile does not touch', () => {
    expect(() => roundTrip(grant(40, 30, [panel(1, 32, 32), panel(2, 65, 32)]))).toThrow(/previous one ends/)
    expect(() => roundTrip(grant(40, 30, [panel(1, 32, 32)]))).toThrow(/do not end/)
    expect(() => roundTrip(grant(40, 10, [panel(1, 32, 32), panel(2, 64, 32)]))).toThrow(/do not end/)
    expect(() => roundTrip(grant(70, 10, [panel(1, 32, 32), panel(2, 64, 32)]))).toThrow(/do not start/)
    expect(() => roundTrip(grant(0, 10, []))).toThrow(/panels name no blobs/)
    expect(() => roundTrip({ ...grant(40, 30, [panel(1, 32, 32), panel(2, 64, 32)]), row0: 20 })).toThrow(
      /rowBlocks do not end/,
    )
  })

  it('assembles B across panel boundaries exactly as the columns of W', () => {
    const w = createSyntheticLayer({ seed: 2, batchRows: 1, inFeatures: 5, outFeatures: 100 }).weights
    const panels = [0, 32, 64, 96].map((col0, i) => {
      const p = panel(i, col0, Math.min(32, 100 - col0))
      return { panel: p, data: columnRange(w, p.col0, p.cols).slice() }
    })
    expect(assembleColumns(panels.slice(0, 3), 5, 20, 60)).toEqual(columnRange(w, 20, 60))
    expect(assembleColumns(panels.slice(3), 5, 96, 4)).toEqual(columnRange(w, 96, 4))
  })

  it('grants name only the panels a tile needs, so a small first shard waits for one panel', async () => {
    const blobs = createBlobStore()
    const source = (await gemmValidator.createSource({
      config: { batchRows: 64, inFeatures: 64, outFeatures: 512, maxTile: '64x512', panelCols: 128 },
      configDir: '.',
      shippedDir: '.',
      stateDir: mkdtempSync(join(tmpdir(), 'tessera-kind-')),
      seed: 1,
      cursor: async () => undefined,
      blobs,
      strike: () => {},
      workers: createWorkerPool({ size: 0 }),
    }))!
    const [offer] = source.offers()
    expect(offer.blobs).toEqual([])
    const small = source.next('gemm', offer.minFlops)!
    expect(small.grant.panels).toHaveLength(1)
    expect(blobs.size(small.grant.panels[0].sha256)).toBe(64 * 128 * 4)
    expect(small.grant.rowBlocks).toHaveLength(1)
    // One row block: 256 KiB would be 1,024 rows at K = 64; the batch has 64.
    expect(blobs.size(small.grant.rowBlocks[0].sha256)).toBe(64 * 64 * 4)
    const whole = source.next('gemm', offer.maxFlops)!
    const cols = whole.grant.panels.reduce((s, p) => s + p.cols, 0)
    expect(cols).toBeGreaterThanOrEqual(whole.grant.n)
    expect(cols - whole.grant.n).toBeLessThan(2 * 128)
  })
})
