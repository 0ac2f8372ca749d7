/**
 * The validator half of `gemm`: tiles of the seeded synthetic layer, sized to each lease, verified
 * with Freivalds' check. The layer's weights are served as panels of columns and each batch's X as
 * blocks of rows, all blobs; a grant names the ones its tile needs, and each contributor is given
 * the tiles of one strip of rows at a time (tiler.ts), so it downloads its rows once per strip.
 * The product is thrown away: this is synthetic work (a benchmark and a proof of capacity), and the
 * offer says so (`output: discarded`). Node or browser alike (pure TypeScript), but only the
 * validator imports it.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { toString as toHex } from 'uint8arrays/to-string'
import { bytesOf } from '../../protocol/check.ts'
import { readConfig } from '../config.ts'
import type { BlobRegistry, Shard, ValidatorKind, WorkSource } from '../kind.ts'
import type { TileCheck, TileVerdict } from './check-tile.ts'
import type { GemmGrant, GemmResult, RowBlock, WeightsPanel } from './codec.ts'
import { MAX_GEMM_DIM, MAX_GEMM_ELEMENTS, MAX_PANELS } from './codec.ts'
import { colNorms, DEFAULT_BLOCK_WIDTH, DEFAULT_ROUNDS } from './freivalds.ts'
import { flopsOf, gemm } from './index.ts'
import { columnRange, type Matrix } from './matrix.ts'
import { createSyntheticLayer, type SyntheticLayer } from './synthetic-layer.ts'
import {
  createTiler,
  decodeCursor,
  encodeCursor,
  parseShardId,
  shardIdOf,
  type Tile,
  type TilerOptions,
} from './tiler.ts'

export const OFFER_ID = 'gemm'
const CHECK_TILE = new URL('./check-tile.ts', import.meta.url).href
const GRANULE = 16
/**
 * Bytes a row block of X aims at: few enough requests per strip, small enough that a first shard
 * does not wait long. Its rows are a multiple of the granule (16 rows, 256 KiB, at K = 4096; 256
 * rows at K = 256), so strips start on block boundaries or reuse the block they share.
 */
const BLOCK_BYTES = 256 * 1024

export function blockRowsFor(inFeatures: number, batchRows: number): number {
  const rows = Math.max(GRANULE, Math.floor(BLOCK_BYTES / (4 * inFeatures) / GRANULE) * GRANULE)
  return Math.min(rows, batchRows)
}

/** A 4096-wide layer: tiles up to 1024 × 4096 with K = 4096 (34 GFLOP), about a second on a fast GPU. */
export const GEMM_DEFAULTS = {
  batchRows: 4096,
  inFeatures: 4096,
  outFeatures: 4096,
  maxTile: [1024, 4096] as [number, number],
  /** Columns per weights panel: 1 MiB at K = 4096 (one blob chunk), what a first shard waits for. */
  panelCols: 64,
  /** Bytes of row blocks served at once: the strips leased out, and then some. */
  rowBlockBytes: 256 * 2 ** 20,
  rounds: DEFAULT_ROUNDS,
  blockWidth: DEFAULT_BLOCK_WIDTH,
}

export interface GemmConfig {
  batchRows: number
  inFeatures: number
  outFeatures: number
  maxTileRows: number
  maxTileCols: number
  panelCols: number
  rowBlockBytes: number
  rounds: number
  blockWidth: number
}

export function parseGemmConfig(section: unknown): GemmConfig | undefined {
  if (section === false) return undefined
  const c = readConfig('gemm', section)
  const batchRows = c.int('batchRows', GEMM_DEFAULTS.batchRows, 1, MAX_GEMM_DIM)
  const inFeatures = c.int('inFeatures', GEMM_DEFAULTS.inFeatures, 1, MAX_GEMM_DIM)
  const outFeatures = c.int('outFeatures', GEMM_DEFAULTS.outFeatures, 1, MAX_GEMM_DIM)
  const [rows, cols] = c.size('maxTile', GEMM_DEFAULTS.maxTile, MAX_GEMM_DIM)
  const maxTileRows = Math.min(rows, batchRows)
  const maxTileCols = Math.min(cols, outFeatures)
  if (maxTileRows * maxTileCols > MAX_GEMM_ELEMENTS || maxTileRows * inFeatures > MAX_GEMM_ELEMENTS) {
    c.fail('maxTile', `must keep m·n and m·inFeatures within ${MAX_GEMM_ELEMENTS} elements`)
  }
  const panelCols = c.int('panelCols', GEMM_DEFAULTS.panelCols, 1, MAX_GEMM_DIM)
  if (Math.ceil(maxTileCols / panelCols) + 1 > MAX_PANELS) {
    c.fail('panelCols', `must keep a tile within ${MAX_PANELS} panels`)
  }
  return {
    batchRows,
    inFeatures,
    outFeatures,
    maxTileRows,
    maxTileCols,
    panelCols,
    rowBlockBytes: c.int('rowBlockBytes', GEMM_DEFAULTS.rowBlockBytes, 0, 2 ** 40),
    rounds: c.int('rounds', GEMM_DEFAULTS.rounds, 1, 64),
    blockWidth: c.int('blockWidth', GEMM_DEFAULTS.blockWidth, 1, MAX_GEMM_DIM),
  }
}

export const gemmValidator: ValidatorKind<GemmGrant, GemmResult> = {
  ...gemm,
  flags: {
    'batch-rows': { key: 'batchRows', help: `rows of X per batch (default ${GEMM_DEFAULTS.batchRows})` },
    'in-features': { key: 'inFeatures', help: `inner dimension K (default ${GEMM_DEFAULTS.inFeatures})` },
    'out-features': { key: 'outFeatures', help: `output features N (default ${GEMM_DEFAULTS.outFeatures})` },
    'max-tile': { key: 'maxTile', help: `largest tile RxC (default ${GEMM_DEFAULTS.maxTile.join('x')})` },
  },
  async createSource(context) {
    const config = parseGemmConfig(context.config)
    return config == null ? undefined : createGemmSource(config, context)
  },
  conformance: {
    config: { batchRows: 64, inFeatures: 64, outFeatures: 96, maxTile: '32x64' },
    perturb: ({ c }) => {
      const data = c.data.slice()
      data[data.length >> 1] *= 1.01
      return { c: { ...c, data } }
    },
    reshape: ({ c }) => ({
      c: { rows: c.rows, cols: c.cols - 1, data: c.data.slice(0, c.rows * (c.cols - 1)) },
    }),
    poison: ({ c }) => {
      const data = c.data.slice()
      data[0] = Number.NaN
      return { c: { ...c, data } }
    },
    work: (grant) => 2 * grant.m * grant.k * grant.n,
  },
}

async function createGemmSource(
  config: GemmConfig,
  context: Parameters<ValidatorKind['createSource']>[0],
): Promise<WorkSource<GemmGrant, GemmResult>> {
  context.workers.preload(CHECK_TILE)
  const layer = createSyntheticLayer({ seed: context.seed, ...config })
  const panels = weightPanels(layer.weights, config.panelCols, context.blobs)
  const rowBlocks = createRowBlocks(layer, config.rowBlockBytes, context.blobs)
  const panelsFor = (col0: number, n: number) =>
    panels.slice(Math.floor(col0 / config.panelCols), Math.floor((col0 + n - 1) / config.panelCols) + 1)
  // Ids and cursors carry the layer's fingerprint: another geometry on the same ledger starts afresh.
  const weightsHash = toHex(sha256(bytesOf(layer.weights.data)), 'base16')
  const fingerprint = toHex(
    sha256(new TextEncoder().encode(`${weightsHash}:${config.batchRows}`)),
    'base16',
  ).slice(0, 8)
  const tiling: TilerOptions = {
    batchRows: config.batchRows,
    inFeatures: config.inFeatures,
    outFeatures: config.outFeatures,
    maxRows: config.maxTileRows,
    maxCols: config.maxTileCols,
    granule: GRANULE,
  }
  const cursorKey = `gemm.cursor.${fingerprint}`
  const tiler = createTiler(tiling, decodeCursor(await context.cursor(cursorKey), tiling))
  const weightNorms = colNorms(layer.weights)
  const counters = { verified: 0, verifiedFlops: 0, verifyFlops: 0, verifyMs: 0 }
  const bounds = {
    minFlops: flopsOf(
      Math.min(GRANULE, config.batchRows),
      Math.min(GRANULE, config.outFeatures),
      config.inFeatures,
    ),
    maxFlops: flopsOf(config.maxTileRows, config.maxTileCols, config.inFeatures),
  }

  const shardOf = (tile: Tile, cursor?: string): Shard<GemmGrant> => ({
    shardId: shardIdOf(fingerprint, tile),
    offerId: OFFER_ID,
    grant: {
      row0: tile.row0,
      m: tile.m,
      k: config.inFeatures,
      rowBlocks: rowBlocks.cover(tile.batch, tile.row0, tile.m),
      col0: tile.col0,
      n: tile.n,
      panels: panelsFor(tile.col0, tile.n),
    },
    flops: flopsOf(tile.m, tile.n, config.inFeatures),
    ...(cursor != null ? { cursor: { key: cursorKey, value: cursor } } : {}),
  })

  return {
    // No blobs every shard needs: each grant names the panels it does, so the first shard waits for
    // one panel, not the whole matrix.
    offers: () => [{ offerId: OFFER_ID, blobs: [], ...bounds, notes: { output: 'discarded' } }],
    stats: () => ({ ...counters }),
    next(offerId, flops, lessee) {
      if (offerId !== OFFER_ID) return undefined
      const tile = tiler.next(flops, lessee?.peer)
      return shardOf(tile, encodeCursor(tiler.cursor()))
    },
    restore(shardId) {
      const tile = parseShardId(shardId, fingerprint, tiling)
      return tile == null ? undefined : shardOf(tile)
    },
    async verify(shard, { c }) {
      const { col0, n } = shard.grant
      const tile = parseShardId(shard.shardId, fingerprint, tiling)
      // Every shard verified here was cut or restored by this source: its id names its tile.
      if (tile == null) throw new RangeError(`${shard.shardId} names no tile of this layer`)
      const a = layer.rows(tile.batch, tile.row0, tile.m)
      const started = performance.now()
      const check: TileCheck = {
        a,
        weights: layer.weights,
        col0,
        n,
        // A decoded result views its whole message: copy so only C crosses, then give the copy away.
        c: { ...c, data: c.data.slice() },
        colNorms: weightNorms.slice(col0, col0 + n),
        rounds: config.rounds,
        blockWidth: config.blockWidth,
      }
      const { verifyFlops, ...verdict } = await context.workers.run<TileVerdict>(
        { module: CHECK_TILE, fn: 'checkTile', args: [check] },
        [check.c.data.buffer as ArrayBuffer],
      )
      if (verdict.ok || verdict.reason === 'verification-failed') {
        counters.verified++
        counters.verifiedFlops += shard.flops
        counters.verifyFlops += verifyFlops
        counters.verifyMs += performance.now() - started
      }
      return verdict
    },
  }
}

/** W cut into panels of `panelCols` columns (the last may be narrower), each served as a blob. */
function weightPanels(weights: Matrix, panelCols: number, blobs: BlobRegistry): WeightsPanel[] {
  const panels: WeightsPanel[] = []
  for (let col0 = 0; col0 < weights.cols; col0 += panelCols) {
    const cols = Math.min(panelCols, weights.cols - col0)
    const data = columnRange(weights, col0, cols)
    // A panel that is all of W would be shared memory; blobs are served from plain copies.
    const bytes = bytesOf(data.buffer instanceof SharedArrayBuffer ? data.slice() : data)
    panels.push({ sha256: blobs.addBytes(bytes), col0, cols })
  }
  return panels
}

/**
 * Each batch's X as blobs of blockRowsFor(K) rows, made when a grant first names them and served while
 * they are among the most recently named `maxBytes`: a strip's blocks outlive its leases, and a block
 * dropped and named again (a shard rebuilt after a restart) is made again, with the same hash.
 */
function createRowBlocks(layer: SyntheticLayer, maxBytes: number, blobs: BlobRegistry) {
  const { batchRows, inFeatures } = layer.options
  const blockRows = blockRowsFor(inFeatures, batchRows)
  const served = new Map<string, { sha256: string; bytes: number }>()
  let bytes = 0
  const block = (batch: number, index: number): RowBlock => {
    const row0 = index * blockRows
    const rows = Math.min(blockRows, batchRows - row0)
    const key = `${batch}:${index}`
    let entry = served.get(key)
    if (entry == null) {
      const data = layer.rows(batch, row0, rows).data
      entry = { sha256: blobs.addBytes(bytesOf(data)), bytes: data.byteLength }
      bytes += entry.bytes
    }
    served.delete(key)
    served.set(key, entry)
    return { sha256: entry.sha256, row0, rows }
  }
  return {
    cover(batch: number, row0: number, m: number): RowBlock[] {
      const out: RowBlock[] = []
      for (let i = Math.floor(row0 / blockRows); i * blockRows < row0 + m; i++) out.push(block(batch, i))
      for (const [key, entry] of served) {
        if (bytes <= maxBytes || served.size <= out.length) break
        served.delete(key)
        blobs.remove(entry.sha256)
        bytes -= entry.bytes
      }
      return out
    },
  }
}
