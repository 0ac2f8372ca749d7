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

export interface WeightsRef {
  /** sha256 (hex) of the layer's weight matrix, k × cols f32 row-major. */
  sha256: string
  rows: number
  cols: number
}

export interface GemmGrant {
  /** m × k rows of the activations. */
  a: Matrix
  weights: WeightsRef
  /** B is columns [col0, col0 + n) of the weights. */
  col0: number
  n: number
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
  encode: ({ a, weights, col0, n }) =>
    pb.GemmGrant.encode({
      m: a.rows,
      n,
      k: a.cols,
      a: bytesOf(a.data),
      weights: weights.sha256,
      weightCols: weights.cols,
      col0,
    }),
  decode(bytes) {
    const raw = decodeWithin('GemmGrant', this.maxBytes, bytes, (b) => pb.GemmGrant.decode(b))
    const c = new Check('GemmGrant')
    dims(c, raw.m, raw.n, raw.k)
    c.int('weightCols', raw.weightCols, 1, MAX_GEMM_DIM)
    c.int('col0', raw.col0, 0, raw.weightCols - 1)
    if (raw.col0 + raw.n > raw.weightCols) c.fail('n', `runs past the weights' ${raw.weightCols} columns`)
    return {
      a: { rows: raw.m, cols: raw.k, data: c.f32('a', raw.a, raw.m * raw.k) },
      weights: { sha256: c.sha256Hex('weights', raw.weights), rows: raw.k, cols: raw.weightCols },
      col0: raw.col0,
      n: raw.n,
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
