/**
 * Cuts one batch's product Y = X·W (batchRows × N) into tiles sized to each lease's budget. Tiles
 * are taken strip by strip: a strip's height is chosen for the lease that opens it, each tile's
 * width for its own lease, so every tile is about as large as asked, up to the whole strip, and the
 * edges are covered with smaller tiles. The cursor (batch, strip, next column) is all the state.
 *
 * Tiles are as wide as the budget allows (short strips), not square: a tile's A (m × K) is what
 * travels with each grant while W is cached, so bytes per FLOP are 2/n for A and 2/K for C. A
 * full-width tile moves about 1 MB per GFLOP at K = N = 4096; a square 352 × 352 one, 6 MB.
 */

export interface TilerOptions {
  batchRows: number
  inFeatures: number
  outFeatures: number
  maxRows: number
  maxCols: number
  /** Tile sides are multiples of this (except at the edges): GPU kernels like aligned shapes. */
  granule: number
}

export interface Tile {
  batch: number
  row0: number
  col0: number
  m: number
  n: number
}

export interface TileCursor {
  batch: number
  row0: number
  /** Height of the strip being cut; 0 before its first tile. */
  rows: number
  col0: number
}

export interface Tiler {
  next(flops: number): Tile
  cursor(): TileCursor
}

/** A side close to `want`, a multiple of the granule, within `max` and what `remaining` leaves. */
function side(want: number, max: number, remaining: number, granule: number): number {
  let s = Math.max(granule, Math.round(want / granule) * granule)
  s = Math.min(s, max, remaining)
  // Do not leave a sliver narrower than one granule for someone else.
  const rest = remaining - s
  if (rest > 0 && rest < granule && s + rest <= max) s += rest
  return s
}

export function createTiler(options: TilerOptions, start?: TileCursor): Tiler {
  const { batchRows, inFeatures, outFeatures, maxRows, maxCols, granule } = options
  let cursor: TileCursor = start ?? { batch: 0, row0: 0, rows: 0, col0: 0 }
  return {
    next(flops) {
      const area = Math.max(1, flops / (2 * inFeatures))
      let { batch, row0, rows, col0 } = cursor
      if (rows === 0) rows = side(area / Math.min(maxCols, outFeatures), maxRows, batchRows - row0, granule)
      const n = side(area / rows, maxCols, outFeatures - col0, granule)
      const tile = { batch, row0, col0, m: rows, n }
      col0 += n
      if (col0 >= outFeatures) {
        col0 = 0
        row0 += rows
        rows = 0
        if (row0 >= batchRows) {
          row0 = 0
          batch++
        }
      }
      cursor = { batch, row0, rows, col0 }
      return tile
    },
    cursor: () => cursor,
  }
}

export function encodeCursor(c: TileCursor): string {
  return `${c.batch}:${c.row0}:${c.rows}:${c.col0}`
}

export function decodeCursor(value: string | undefined, options: TilerOptions): TileCursor | undefined {
  const parts = value?.split(':').map(Number)
  if (parts?.length !== 4 || !parts.every((p) => Number.isSafeInteger(p) && p >= 0)) return undefined
  const [batch, row0, rows, col0] = parts
  if (row0 >= options.batchRows || col0 >= options.outFeatures || row0 + rows > options.batchRows)
    return undefined
  return { batch, row0, rows, col0 }
}

/** `g<layer>.<batch>.<row0>.<col0>.<m>x<n>`: the layer's fingerprint keeps ids of other geometries apart. */
export function shardIdOf(layer: string, t: Tile): string {
  return `g${layer}.${t.batch}.${t.row0}.${t.col0}.${t.m}x${t.n}`
}

export function parseShardId(id: string, layer: string, options: TilerOptions): Tile | undefined {
  const match = /^g([0-9a-f]+)\.(\d+)\.(\d+)\.(\d+)\.(\d+)x(\d+)$/.exec(id)
  if (match == null || match[1] !== layer) return undefined
  const [batch, row0, col0, m, n] = match.slice(2).map(Number)
  const fits =
    [batch, row0, col0, m, n].every(Number.isSafeInteger) &&
    m >= 1 &&
    n >= 1 &&
    m <= options.maxRows &&
    n <= options.maxCols &&
    row0 + m <= options.batchRows &&
    col0 + n <= options.outFeatures
  return fits ? { batch, row0, col0, m, n } : undefined
}
