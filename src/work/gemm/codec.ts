/** Grant and result payloads of the `gemm` kind: operands named as blobs, results raw little-endian f32, dimensions checked. */
import { bytesOf, Check, decodeWithin } from '../../protocol/check.ts'
import type { PayloadCodec } from '../kind.ts'
import type { Matrix } from './matrix.ts'
import * as pb from './messages.ts'

/** Largest side of a shard's matrices: 64 Ki keeps every index a u32 on the GPU. */
export const MAX_GEMM_DIM = 65_536
/** Largest operand or result: 4 Mi f32 (16 MiB), e.g. a 1024 × 4096 tile. */
export const MAX_GEMM_ELEMENTS = 4 * 1024 * 1024
const ENVELOPE = 1024

/** Most panels one grant may name: a 4096-wide tile of 16-column panels. */
export const MAX_PANELS = 256
/** Most row blocks one grant may name: a 1024-row tile of 4-row blocks. */
export const MAX_ROW_BLOCKS = 256
/** Bytes a grant's blob names may take: sha256 hex and two integers each. */
const BLOCK_BYTES = 80

/** Columns [col0, col0 + cols) of the layer's weights, k × cols f32 row-major, stored as one blob. */
export interface WeightsPanel {
  sha256: string
  col0: number
  cols: number
}

/** Rows [row0, row0 + rows) of a batch's activations, rows × k f32 row-major, stored as one blob. */
export interface RowBlock {
  sha256: string
  row0: number
  rows: number
}

export interface GemmGrant {
  /** A is rows [row0, row0 + m) of a batch's activations (k columns), held by `rowBlocks` (in row order). */
  row0: number
  m: number
  k: number
  rowBlocks: RowBlock[]
  /** B is columns [col0, col0 + n) of the layer's weights, held by `panels` (in column order). */
  col0: number
  n: number
  panels: WeightsPanel[]
}

export interface GemmResult {
  c: Matrix
}

function dims(c: Check, m: number, n: number, k?: number): void {
  c.int('m', m, 1, MAX_GEMM_DIM)
  c.int('n', n, 1, MAX_GEMM_DIM)
  if (k != null) c.int('k', k, 1, MAX_GEMM_DIM)
  if (m * n > MAX_GEMM_ELEMENTS) c.fail('m*n', `is over ${MAX_GEMM_ELEMENTS} elements`)
  if (k != null && m * k > MAX_GEMM_ELEMENTS) c.fail('m*k', `is over ${MAX_GEMM_ELEMENTS} elements`)
}

export const grantCodec: PayloadCodec<GemmGrant> = {
  maxBytes: (MAX_PANELS + MAX_ROW_BLOCKS) * BLOCK_BYTES + ENVELOPE,
  encode: ({ row0, m, k, rowBlocks, col0, n, panels }) =>
    pb.GemmGrant.encode({ m, n, k, row0, rowBlocks, col0, panels }),
  decode(bytes) {
    const raw = decodeWithin('GemmGrant', this.maxBytes, bytes, (b) =>
      pb.GemmGrant.decode(b, { limits: { panels: MAX_PANELS, rowBlocks: MAX_ROW_BLOCKS } }),
    )
    const c = new Check('GemmGrant')
    dims(c, raw.m, raw.n, raw.k)
    c.int('row0', raw.row0, 0, MAX_GEMM_DIM - 1)
    c.int('col0', raw.col0, 0, MAX_GEMM_DIM - 1)
    const rowBlocks = cover(c, 'rowBlocks', raw.rowBlocks, raw.row0, raw.m, (b) => [b.row0, b.rows])
    const panels = cover(c, 'panels', raw.panels, raw.col0, raw.n, (p) => [p.col0, p.cols])
    return {
      row0: raw.row0,
      m: raw.m,
      k: raw.k,
      rowBlocks: rowBlocks.map((b, i) => ({ ...b, sha256: c.sha256Hex(`rowBlocks[${i}].sha256`, b.sha256) })),
      col0: raw.col0,
      n: raw.n,
      panels: panels.map((p, i) => ({ ...p, sha256: c.sha256Hex(`panels[${i}].sha256`, p.sha256) })),
    }
  },
}

export const resultCodec: PayloadCodec<GemmResult> = {
  maxBytes: MAX_GEMM_ELEMENTS * 4 + ENVELOPE,
  encode: ({ c }) => pb.GemmResult.encode({ m: c.rows, n: c.cols, c: bytesOf(c.data) }),
  decode(bytes) {
    const raw = decodeWithin('GemmResult', this.maxBytes, bytes, (b) => pb.GemmResult.decode(b))
    const c = new Check('GemmResult')
    dims(c, raw.m, raw.n)
    return { c: { rows: raw.m, cols: raw.n, data: c.f32('c', raw.c, raw.m * raw.n) } }
  },
}

/**
 * Blocks in order, each following the last, the first holding `start` and the last `start + count − 1`:
 * the runs of rows or columns that hold exactly a tile's, and no block it does not touch.
 */
function cover<T>(
  c: Check,
  name: string,
  blocks: T[],
  start: number,
  count: number,
  span: (b: T) => [number, number],
): T[] {
  if (blocks.length === 0) c.fail(name, 'name no blobs')
  const first = span(blocks[0])[0]
  let next = first
  blocks.forEach((b, i) => {
    const [at, size] = span(b)
    c.int(`${name}[${i}] size`, size, 1, MAX_GEMM_DIM)
    if (at !== next) c.fail(`${name}[${i}]`, `starts at ${at}, the previous one ends at ${next}`)
    next = at + size
  })
  if (first > start || (blocks.length > 1 && span(blocks[1])[0] <= start)) {
    c.fail(name, `do not start at the one holding ${start}`)
  }
  if (next < start + count || span(blocks[blocks.length - 1])[0] >= start + count) {
    c.fail(name, `do not end at the one holding ${start + count - 1}`)
  }
  return blocks
}
