/**
 * Freivalds' check of a claimed product C = A·B in O(rounds·(mk + kn + mn)) instead of O(mnk).
 *
 * Each round draws r in {-1, +1}^n and compares C·r with A·(B·r), both in f64. An honest f32 result
 * differs from the exact product by rounding error, so the comparison needs a tolerance, derived here
 * from the operation rather than guessed:
 *
 *   per element (Higham & Mary's probabilistic bound for a length-K dot product, plus the final
 *   rounding of C to f32):  |C_ij - (AB)_ij| <= gamma * (|A||B|)_ij,  gamma = (lambda*sqrt(K) + 1) * u
 *
 *   per row, since |r_j| = 1:  |(C r)_i - (A B r)_i| <= gamma * (|A| (|B| 1))_i
 *
 * with u = 2^-24 (f32 unit roundoff) and lambda = 8, for which the per-element bound fails with
 * probability below 2K*exp(-lambda^2/2) ~ 1e-11 for K = 256 whatever the summation order, tiling or
 * FMA use of the GPU. |A|(|B| 1) costs two mat-vecs and does not depend on r, so it is computed once.
 * A small absolute floor covers GPUs that flush f32 subnormals to zero.
 *
 * What it catches: any error whose row sum exceeds the tolerance; a single wrong element C_ij is
 * caught whenever its error exceeds gamma * sum_j (|A||B|)_ij, whatever r is, and errors spread over
 * several elements of a row cancel in a round with probability at most 1/2, so `rounds` rounds miss
 * them with probability at most 2^-rounds.
 */
import type { Matrix } from '../../protocol/types.ts'

/** f32 unit roundoff. */
export const F32_UNIT_ROUNDOFF = 2 ** -24
const F32_MIN_NORMAL = 2 ** -126

export const DEFAULT_LAMBDA = 8
/** 2^-12 chance that a multi-element error cancels in every round. */
export const DEFAULT_ROUNDS = 12

export interface FreivaldsOptions {
  rounds?: number
  lambda?: number
  /** Source of random bits, one 32-bit word per call; the validator uses crypto.getRandomValues. */
  randomWord: () => number
}

export interface FreivaldsOutcome {
  ok: boolean
  /** Largest |Cr - ABr| / tolerance seen: how close an accepted result came to rejection. */
  worstRatio: number
  /** Row where the largest ratio was seen. */
  row: number
}

/** The rounding-error tolerance for row sums of C·r when |r_j| = 1. */
export function rowTolerances(a: Matrix, b: Matrix, lambda = DEFAULT_LAMBDA): Float64Array {
  const { rows: m, cols: k } = a
  const n = b.cols
  const gamma = (lambda * Math.sqrt(k) + 1) * F32_UNIT_ROUNDOFF
  const absB1 = new Float64Array(k)
  for (let l = 0; l < k; l++) {
    let s = 0
    for (let j = 0; j < n; j++) s += Math.abs(b.data[l * n + j])
    absB1[l] = s
  }
  const floor = (k + 1) * n * F32_MIN_NORMAL
  const tol = new Float64Array(m)
  for (let i = 0; i < m; i++) {
    let s = 0
    for (let l = 0; l < k; l++) s += Math.abs(a.data[i * k + l]) * absB1[l]
    tol[i] = gamma * s + floor
  }
  return tol
}

export function freivalds(a: Matrix, b: Matrix, c: Matrix, options: FreivaldsOptions): FreivaldsOutcome {
  const { rows: m, cols: k } = a
  const n = b.cols
  if (b.rows !== k || c.rows !== m || c.cols !== n) {
    throw new RangeError(`shapes do not chain: A ${m}x${k}, B ${b.rows}x${n}, C ${c.rows}x${c.cols}`)
  }
  const rounds = options.rounds ?? DEFAULT_ROUNDS
  const tol = rowTolerances(a, b, options.lambda)
  const r = new Float64Array(n)
  const br = new Float64Array(k)
  let worstRatio = 0
  let worstRow = 0

  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < n; j += 32) {
      const word = options.randomWord()
      for (let bit = 0; bit < 32 && j + bit < n; bit++) r[j + bit] = (word >>> bit) & 1 ? 1 : -1
    }
    for (let l = 0; l < k; l++) {
      let s = 0
      for (let j = 0; j < n; j++) s += b.data[l * n + j] * r[j]
      br[l] = s
    }
    for (let i = 0; i < m; i++) {
      let abr = 0
      for (let l = 0; l < k; l++) abr += a.data[i * k + l] * br[l]
      let cr = 0
      for (let j = 0; j < n; j++) cr += c.data[i * n + j] * r[j]
      const ratio = Math.abs(cr - abr) / tol[i]
      // NaN in C makes ratio NaN: `!(ratio <= 1)` counts it as a failure.
      if (!(ratio <= 1))
        return { ok: false, worstRatio: Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio, row: i }
      if (ratio > worstRatio) {
        worstRatio = ratio
        worstRow = i
      }
    }
  }
  return { ok: true, worstRatio, row: worstRow }
}

/** Random words from the platform's CSPRNG, drawn in blocks: contributors must not predict r. */
export function cryptoRandomWords(block = 256): () => number {
  const buffer = new Uint32Array(block)
  let next = block
  return () => {
    if (next === block) {
      crypto.getRandomValues(buffer)
      next = 0
    }
    return buffer[next++]
  }
}
