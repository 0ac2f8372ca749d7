/**
 * When two fp32 inference results count as the same. Execution providers differ in summation order,
 * fused kernels and transcendental implementations, never bit for bit. For a model whose longest
 * dot product has length K and depth L layers, the relative error of an honest output is of order
 * L·√K·u (u = 2⁻²⁴, probabilistic bound) and, for the activations used here, below 1e-5; we accept
 *
 *   |got − want| ≤ rtol·|want| + atol·max|want|,   rtol = 1e-3, atol = 1e-4
 *
 * per element: two orders of magnitude above honest noise, and far below what a lazy or tampering
 * contributor produces (zeros, copies, random values, or outputs of another input). The absolute
 * term, relative to the output's scale, keeps elements near zero from failing on noise alone.
 */
export const DEFAULT_RTOL = 1e-3
export const DEFAULT_ATOL = 1e-4

export interface Comparison {
  ok: boolean
  /** Largest |got − want| / bound; above 1 is a mismatch. */
  worstRatio: number
  index: number
}

export function compareOutputs(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol = DEFAULT_RTOL,
  atol = DEFAULT_ATOL,
): Comparison {
  if (got.length !== want.length) return { ok: false, worstRatio: Number.POSITIVE_INFINITY, index: -1 }
  let scale = 0
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]))
  let worstRatio = 0
  let index = -1
  for (let i = 0; i < got.length; i++) {
    const bound = rtol * Math.abs(want[i]) + atol * scale + Number.MIN_VALUE
    const diff = Math.abs(got[i] - want[i])
    const ratio = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff / bound
    if (ratio > worstRatio) {
      worstRatio = ratio
      index = i
    }
  }
  return { ok: worstRatio <= 1, worstRatio, index }
}

/** Every output of the reference must be present in the claim and within tolerance; the worst one is reported. */
export function compareAll(
  claimed: Record<string, Float32Array>,
  reference: Record<string, Float32Array>,
): Comparison {
  let worst: Comparison = { ok: true, worstRatio: 0, index: -1 }
  for (const [name, want] of Object.entries(reference)) {
    const got = claimed[name]
    if (got == null) return { ok: false, worstRatio: Number.POSITIVE_INFINITY, index: -1 }
    const c = compareOutputs(got, want)
    if (c.worstRatio > worst.worstRatio) worst = c
  }
  return worst
}
