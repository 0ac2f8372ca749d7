/**
 * Cuts one batch's product Y = X·W (batchRows × N) into tiles sized to each lease's budget. Tiles
 * are taken strip by strip: a strip's height is chosen for the lease that opens it, each tile's
 * width for its own lease, so every tile is about as large as asked, up to the whole strip, and the
 * edges are covered with smaller tiles.
 *
 * Locality (BOINC's locality scheduling): a strip opened for a contributor stays its own, and its
 * next tiles come from it, so the strip's rows of X (m × K, the A every tile of it shares) are
 * downloaded once, not with each tile. Across strips a contributor keeps W's panels, so in steady
 * state it downloads 4·m·K bytes of A per 2·m·N·K FLOPs: 2/N bytes per FLOP, whatever the tile
 * widths. A strip its contributor left (idle for `idleMs`, or pushed out by `maxHolders` newer
 * ones) goes to the next contributor that needs a strip. Tiles asked for by nobody in particular
 * come from the shared strip the cursor is in.
 *
 * The cursor (batch, strip, next column of the shared strip) is what persists; the strips held at a
 * restart are not re-cut (synthetic work: a gap costs nothing).
 */

export interface TilerOptions {
  batchRows: number
  inFeatures: number
  outFeatures: number
  maxRows: number
  maxCols: number
  /** Tile sides are multiples of this (except at the edges): GPU kernels like aligned shapes. */
  granule: number
  /** A strip whose holder asked for nothing this long goes to someone else. */
  idleMs?: number
  /** Most contributors holding a strip at once; the longest idle gives its strip up first. */
  maxHolders?: number
  now?: () => number
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
  /** The next tile of about `flops` for `holder` (a contributor), from the strip it holds if any. */
  next(flops: number, holder?: string): Tile
  cursor(): TileCursor
}

export const TILER_DEFAULTS = { idleMs: 60_000, maxHolders: 4096 }

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
  const idleMs = options.idleMs ?? TILER_DEFAULTS.idleMs
  const maxHolders = options.maxHolders ?? TILER_DEFAULTS.maxHolders
  const now = options.now ?? Date.now
  let cursor: TileCursor = { ...(start ?? { batch: 0, row0: 0, rows: 0, col0: 0 }) }
  /** Strips held, least recently used first. */
  const held = new Map<string, { strip: TileCursor; at: number }>()
  const left: TileCursor[] = []

  const heightFor = (area: number, row0: number) =>
    side(area / Math.min(maxCols, outFeatures), maxRows, batchRows - row0, granule)
  /** A tile of `strip` of about `area` elements; the strip moves on past it. */
  const cut = (strip: TileCursor, area: number): Tile => {
    if (strip.rows === 0) strip.rows = heightFor(area, strip.row0)
    const n = side(area / strip.rows, maxCols, outFeatures - strip.col0, granule)
    const tile = { batch: strip.batch, row0: strip.row0, col0: strip.col0, m: strip.rows, n }
    strip.col0 += n
    return tile
  }
  /** The shared strip's remainder, or the next strip when it has none; the cursor moves past it. */
  const openStrip = (area: number): TileCursor => {
    const strip = { ...cursor }
    if (strip.rows === 0) strip.rows = heightFor(area, strip.row0)
    let row0 = strip.row0 + strip.rows
    let batch = strip.batch
    if (row0 >= batchRows) [row0, batch] = [0, batch + 1]
    cursor = { batch, row0, rows: 0, col0: 0 }
    return strip
  }
  const release = (at: number) => {
    for (const [holder, entry] of held) {
      if (held.size <= maxHolders && entry.at > at - idleMs) break
      held.delete(holder)
      if (left.length < maxHolders) left.push(entry.strip)
    }
  }

  return {
    next(flops, holder) {
      const area = Math.max(1, flops / (2 * inFeatures))
      if (holder == null) {
        const tile = cut(cursor, area)
        if (cursor.col0 >= outFeatures) openStrip(area)
        return tile
      }
      const at = now()
      let strip = held.get(holder)?.strip
      held.delete(holder)
      release(at)
      strip ??= left.shift() ?? openStrip(area)
      const tile = cut(strip, area)
      if (strip.col0 < outFeatures) held.set(holder, { strip, at })
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
