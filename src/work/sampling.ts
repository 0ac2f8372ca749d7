/**
 * What gets recomputed, for every kind. Always: a suspect's results and what the validator's audit
 * picks (both in the VerifyContext the validator hands the kind), and the kind's own reasons (a
 * canary, a norm outlier, a model whose outputs are not known yet); otherwise a secret draw at the
 * kind's sampling rate. Secret: a contributor must not predict which of its results are checked, so
 * the draw is the platform's cryptographic one, never a seeded generator.
 */
import type { VerifyContext } from './kind.ts'

export function secretRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32
}

export function mustRecompute(
  context: Pick<VerifyContext, 'suspect' | 'audit'>,
  reasons: readonly boolean[],
  rate: number,
  random: () => number = secretRandom,
): boolean {
  return context.suspect || context.audit || reasons.some(Boolean) || random() < rate
}
