/**
 * The `gemm` work kind: a tile C = A·B of a larger linear layer Y = X·W. Both operands are blobs:
 * X is stored as blocks of rows, W as panels of columns, each fetched once and kept, so a
 * contributor given the tiles of one strip of rows fetches its rows once (version 3; version 2
 * carried A in every grant, version 1 named all of W as one blob). The contributor half is
 * contributor.ts, the validator half (source and Freivalds verification) validator.ts. The CPU
 * reference is gemmRef, beside the kernels it checks (src/gpu/kernels/gemm.ref.ts): Node contributors
 * run it as their engine; the validator never needs the product, only Freivalds' check of it.
 */
import type { WorkKind } from '../kind.ts'
import { type GemmGrant, type GemmResult, grantCodec, resultCodec } from './codec.ts'

export type { GemmGrant, GemmResult } from './codec.ts'

/** Useful FLOPs of C = A·B with A m × k and B k × n: a multiply and an add per term. */
export function flopsOf(m: number, n: number, k: number): number {
  return 2 * m * n * k
}

export const gemm: WorkKind<GemmGrant, GemmResult> = {
  name: 'gemm',
  version: 3,
  grant: grantCodec,
  result: resultCodec,
  cost: (grant) => flopsOf(grant.m, grant.n, grant.k),
}
