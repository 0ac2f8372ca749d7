/** Grant and result payloads of the `gemm` kind: raw little-endian f32, dimensions checked. */
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

/** Columns [col0, col0 + cols) of the layer's weights, k × cols f32 row-major, stored as one blob. */
export interface WeightsPanel {
  sha256: string
  col0: number
  cols: number
}

export interface GemmGrant {
  /** m × k rows of the activations. */
  a: Matrix
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
  maxBytes: MAX_GEMM_ELEMENTS * 4 + ENVELOPE,
  encode: ({ a, col0, n, panels }) =>
    pb.GemmGrant.encode({ m: a.rows, n, k: a.cols, a: bytesOf(a.data), col0, panels }),
  decode(bytes) {
    const raw = decodeWithin('GemmGrant', this.maxBytes, bytes, (b) =>
      pb.GemmGrant.decode(b, { limits: { panels: MAX_PANELS } }),
    )
    const c = new Check('GemmGrant')
    dims(c, raw.m, raw.n, raw.k)
    c.int('col0', raw.col0, 0, MAX_GEMM_DIM - 1)
    return {
      a: { rows: raw.m, cols: raw.k, data: c.f32('a', raw.a, raw.m * raw.k) },
      col0: raw.col0,
      n: raw.n,
      panels: checkPanels(c, raw.panels, raw.col0, raw.n),
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

/** Panels in column order, each following the last, the first holding col0 and the last col0 + n − 1. */
function checkPanels(c: Check, panels: pb.WeightsPanel[], col0: number, n: number): WeightsPanel[] {
  if (panels.length === 0) c.fail('panels', 'name no weights')
  let next = panels[0].col0
  const out = panels.map((p, i) => {
    c.int(`panels[${i}].cols`, p.cols, 1, MAX_GEMM_DIM)
    if (p.col0 !== next) c.fail(`panels[${i}].col0`, `is ${p.col0}, the previous panel ends at ${next}`)
    next = p.col0 + p.cols
    return { sha256: c.sha256Hex(`panels[${i}].sha256`, p.sha256), col0: p.col0, cols: p.cols }
  })
  if (panels[0].col0 > col0 || (panels.length > 1 && panels[1].col0 <= col0)) {
    c.fail('panels', `do not start at the panel holding column ${col0}`)
  }
  if (next < col0 + n || out[out.length - 1].col0 >= col0 + n) {
    c.fail('panels', `do not end at the panel holding column ${col0 + n - 1}`)
  }
  return out
}
