/** The contributor half of `gemm`: fetch the weights once, cut B from them, run C = A·B on the engine. */
import type { ContributorKind } from '../kind.ts'
import type { GemmGrant, GemmResult } from './codec.ts'
import { columns, gemm } from './index.ts'

/** The weights blob is not the matrix the grant says it is. */
export class WeightsMismatchError extends Error {
  static override name = 'WeightsMismatchError'
  override name = 'WeightsMismatchError'
}

export const gemmContributor: ContributorKind<GemmGrant, GemmResult> = {
  ...gemm,
  canRun: () => true,
  async execute(grant, context) {
    const { a, weights, col0, n } = grant
    const bytes = await context.blob(weights.sha256)
    if (bytes.byteLength !== weights.rows * weights.cols * 4) {
      throw new WeightsMismatchError(
        `weights blob is ${bytes.byteLength} bytes, not ${weights.rows} x ${weights.cols} f32`,
      )
    }
    const w =
      bytes.byteOffset % 4 === 0
        ? new Float32Array(bytes.buffer, bytes.byteOffset, weights.rows * weights.cols)
        : new Float32Array(bytes.slice().buffer)
    const b = columns(w, weights.rows, weights.cols, col0, n)
    const c = await context.engine.matmul(a.data, b, a.rows, n, a.cols)
    return { c: { rows: a.rows, cols: n, data: c } }
  },
}
