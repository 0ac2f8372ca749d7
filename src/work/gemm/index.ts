/**
 * The `gemm` work kind: a tile C = A·B of a larger linear layer. `execute` runs in the contributor
 * (on whatever MatmulEngine it has), `verify` in the validator (CPU, Freivalds), `flopsOf` is the
 * declared cost both sides agree on.
 */
import type { MatmulEngine } from '../../gpu/engine.ts'
import type { Matrix, RejectionReason } from '../../protocol/types.ts'
import { DEFAULT_ROUNDS, type FreivaldsOptions, freivalds } from './freivalds.ts'

export function flopsOf(m: number, n: number, k: number): number {
  return 2 * m * n * k
}

export interface GemmInput {
  a: Matrix
  b: Matrix
}

export async function executeGemm(input: GemmInput, engine: MatmulEngine): Promise<Matrix> {
  const { a, b } = input
  const data = await engine.matmul(a.data, b.data, a.rows, b.cols, a.cols)
  return { rows: a.rows, cols: b.cols, data }
}

export type Verdict =
  | { ok: true; worstRatio: number }
  | {
      ok: false
      reason: Extract<RejectionReason, 'wrong-shape' | 'non-finite' | 'verification-failed'>
      message: string
    }

export function verifyGemm(input: GemmInput, c: Matrix, options: FreivaldsOptions): Verdict {
  const { a, b } = input
  if (c.rows !== a.rows || c.cols !== b.cols) {
    return {
      ok: false,
      reason: 'wrong-shape',
      message: `result is ${c.rows}x${c.cols}, the lease was for ${a.rows}x${b.cols}`,
    }
  }
  for (let i = 0; i < c.data.length; i++) {
    if (!Number.isFinite(c.data[i])) {
      return { ok: false, reason: 'non-finite', message: `element ${i} is ${c.data[i]}` }
    }
  }
  const outcome = freivalds(a, b, c, options)
  if (!outcome.ok) {
    return {
      ok: false,
      reason: 'verification-failed',
      message: `Freivalds check failed in row ${outcome.row} (error ${outcome.worstRatio.toFixed(2)}x the fp32 tolerance, ${options.rounds ?? DEFAULT_ROUNDS} rounds)`,
    }
  }
  return { ok: true, worstRatio: outcome.worstRatio }
}
