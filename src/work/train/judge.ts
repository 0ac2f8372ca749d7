/** When a training result matches the validator's recomputation of its shard. */
import type { Verdict } from '../kind.ts'
import { compareVectors } from './compare.ts'
import type { ShardOutput } from './shard-ref.ts'

/**
 * Acceptance thresholds, against the validator's own recomputation. int8 transport alone gives a
 * relative L2 error of about 0.5% (compress.ts) and GPU-vs-CPU rounding about 1e-5
 * (model.browser.test.ts); 5% and cosine 0.995 leave a tenfold margin for honest work while a
 * gradient of other data, a stale version or scaled noise lands far outside (cosine well under 0.9).
 */
export const TOLERANCE = { relativeL2: 0.05, cosine: 0.995, lossRelative: 1e-3, lossAbsolute: 1e-3 }

/** A rejection when `got` is not the reference's result within TOLERANCE; undefined when it is. */
export function judge(
  got: { loss: number; vector: Float32Array },
  want: ShardOutput,
): Extract<Verdict, { ok: false }> | undefined {
  const cmp = compareVectors(got.vector, want.vector)
  const lossOff = Math.abs(got.loss - want.loss)
  if (lossOff > TOLERANCE.lossAbsolute + TOLERANCE.lossRelative * Math.abs(want.loss)) {
    return {
      ok: false,
      reason: 'verification-failed',
      message: `loss ${got.loss} where the reference gives ${want.loss}`,
    }
  }
  if (!(cmp.relativeL2 <= TOLERANCE.relativeL2) || !(cmp.cosine >= TOLERANCE.cosine)) {
    return {
      ok: false,
      reason: 'verification-failed',
      message: `result is off the reference: relative L2 error ${cmp.relativeL2.toFixed(4)}, cosine ${cmp.cosine.toFixed(4)}`,
    }
  }
  return undefined
}
