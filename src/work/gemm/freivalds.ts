/**
 * Freivalds' check of a claimed product C = A·B, by blocks of columns, with random vectors from a
 * continuous distribution, in f64. It costs about 1/w of the work for blocks of w columns, and
 * catches a single wrong element whose error exceeds the block's tolerance with certainty.
 *
 * Each round draws r_j = s_j·(1 + β·U_j) for every column j (s_j = ±1, U_j uniform in [0, 1),
 * β = 1/2, so 1 ≤ |r_j| < 1.5) and, for every row i and block b of w columns, compares
 *
 *   S_ib = Σ_{j∈b} C_ij r_j   with   Σ_{j∈b} (AB)_ij r_j = (A·(B·R))_ib,
 *
 * where R is the n × ⌈n/w⌉ block matrix holding r. B·R, A·(B·R) and C·R are matrix products of
 * cost K·n, m·K·n/w and m·n: the check is a GEMM of width n/w, about 1/w + 1/m + 1/K of the work.
 *
 * Tolerance, derived rather than tuned. An honest f32 element is Ĉ_ij = (AB)_ij + e_ij, where e_ij
 * is the sum of the 2K − 1 rounding errors of its products and additions, in whatever order the
 * device summed: e_ij = Σ_t δ_t v_t with |δ_t| ≤ u = 2⁻²⁴ and |v_t| ≤ (|A||B|)_ij ≤ ‖a_i‖₂‖b_j‖₂
 * (Cauchy–Schwarz on row i of A and column j of B). Taking the rounding errors as independent and of
 * mean zero (the model of Higham & Mary's probabilistic error analysis, "A New Approach to
 * Probabilistic Rounding Error Analysis", 2019), Hoeffding's inequality bounds the honest part of
 * S_ib − (ABR)_ib:
 *
 *   P(|Σ_{j∈b} r_j e_ij| ≥ τ_ib) ≤ 2·exp(−c²/2),
 *   τ_ib = c · u · √(2K − 1) · ‖a_i‖₂ · √(Σ_{j∈b} r_j² ‖b_j‖₂²)
 *
 * with c = 8: below 3e-14 per row and block, so an honest 2048 × 2048 tile is refused less than once
 * in 10⁸ tiles. One bound for the whole block, not one per element summed, is what makes blocks of
 * 64 columns usable at K = 4096: it grows with √(wK), not w·√K.
 *
 * What it catches. A single wrong element (i, j) shifts S_ib by |e|·|r_j| ≥ |e|, whatever r is: it
 * is caught with certainty when |e| exceeds τ_ib plus the honest noise. For the default synthetic
 * layer (K = 4096, nonnegative activations, positive-mean weights) τ_ib is about 7e-4 of the
 * elements' size, so an element off by 1e-3 relative is caught (freivalds.test.ts: every one of
 * 10,000 trials). Several wrong elements in one block could cancel only if Σ r_j e_j lands within
 * ±τ; since r_j of the largest error e* varies continuously over an interval of length β|e*|, a
 * round misses with probability at most 2τ/(β|e*|) = 4τ/|e*|, and `rounds` rounds with its power.
 * The threshold grows with √K and √w and with cancellation in the product (|C_ij| ≪ ‖a_i‖‖b_j‖):
 * relative errors that small are only detectable where outputs are not the result of heavy
 * cancellation, which is why the synthetic layer keeps its outputs away from zero.
 */
import type { Matrix } from './matrix.ts'

/** f32 unit roundoff. */
export const F32_UNIT_ROUNDOFF = 2 ** -24
const F32_MIN_NORMAL = 2 ** -126

/** Hoeffding multiplier c: a false rejection per row and block below 2·exp(−32) ≈ 2.5e-14. */
export const DEFAULT_CONFIDENCE = 8
/** One round: a single wrong element is caught for certain; cancelling errors see 4τ/|e*|. */
export const DEFAULT_ROUNDS = 1
/** Columns per block: the check costs about 1/64 of the work. */
export const DEFAULT_BLOCK_WIDTH = 64
/** |r_j| ∈ [1, 1 + β). */
const BETA = 0.5

export interface FreivaldsOptions {
  rounds?: number
  blockWidth?: number
  confidence?: number
  /** Source of random bits, one 32-bit word per call; the validator uses crypto.getRandomValues. */
  randomWord: () => number
  /**
   * ‖a_i‖₂ for each row of A and ‖b_j‖₂ for each column of B, when the caller has them: they repeat
   * across the shards of one layer, so the source computes them once.
   */
  norms?: { rows: Float64Array; cols: Float64Array }
  /**
   * B as a column range of a wider matrix: element (l, j) is b.data[l * stride + offset + j]. Spares
   * the validator a copy of the weights' columns for every result it checks.
   */
  bView?: { stride: number; offset: number }
}

export interface FreivaldsOutcome {
  ok: boolean
  /** Largest |S − ABR| / τ seen: how close an accepted result came to rejection. */
  worstRatio: number
  /** Row and block where the largest ratio was seen. */
  row: number
  block: number
}

/** ‖a_i‖₂ of each row of a row-major matrix. */
export function rowNorms(a: Matrix): Float64Array {
  const out = new Float64Array(a.rows)
  for (let i = 0; i < a.rows; i++) {
    let s = 0
    for (let l = i * a.cols, end = l + a.cols; l < end; l++) s += a.data[l] * a.data[l]
    out[i] = Math.sqrt(s)
  }
  return out
}

/** ‖b_j‖₂ of each column of a row-major matrix. */
export function colNorms(b: Matrix): Float64Array {
  const sq = new Float64Array(b.cols)
  for (let l = 0; l < b.rows; l++) {
    const row = l * b.cols
    for (let j = 0; j < b.cols; j++) sq[j] += b.data[row + j] * b.data[row + j]
  }
  return sq.map(Math.sqrt)
}

/** FLOPs one check costs (multiply-adds count two), norms included when not given. */
export function freivaldsFlops(
  m: number,
  n: number,
  k: number,
  options: Partial<FreivaldsOptions> = {},
): number {
  const rounds = options.rounds ?? DEFAULT_ROUNDS
  const blocks = Math.ceil(n / (options.blockWidth ?? DEFAULT_BLOCK_WIDTH))
  const perRound = 2 * (k * n + m * k * blocks + m * n)
  return rounds * perRound + (options.norms == null ? 2 * (m * k + k * n) : 0)
}

export function freivalds(a: Matrix, b: Matrix, c: Matrix, options: FreivaldsOptions): FreivaldsOutcome {
  const { rows: m, cols: k } = a
  const n = b.cols
  if (b.rows !== k || c.rows !== m || c.cols !== n || (options.bView == null && b.data.length !== k * n)) {
    throw new RangeError(`shapes do not chain: A ${m}x${k}, B ${b.rows}x${n}, C ${c.rows}x${c.cols}`)
  }
  const rounds = options.rounds ?? DEFAULT_ROUNDS
  const w = options.blockWidth ?? DEFAULT_BLOCK_WIDTH
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE
  const blocks = Math.ceil(n / w)
  const aNorm = options.norms?.rows ?? rowNorms(a)
  const bNorm = options.norms?.cols ?? colNorms(b)
  const stride = options.bView?.stride ?? n
  const offset = options.bView?.offset ?? 0
  if (b.data.length < (k - 1) * stride + offset + n) throw new RangeError('B is smaller than its view says')
  const scale = confidence * F32_UNIT_ROUNDOFF * Math.sqrt(2 * k - 1)
  // A floor for devices that flush f32 subnormals to zero: 2K roundings of at most 2^-126 each.
  const floor = 2 * k * w * BETA * 3 * F32_MIN_NORMAL

  const r = new Float64Array(n)
  const weight = new Float64Array(blocks) // Σ_{j∈b} r_j² ‖b_j‖²
  const br = new Float64Array(k * blocks) // B·R, K × blocks
  const abr = new Float64Array(blocks)
  const cr = new Float64Array(blocks)
  let worst = { ratio: 0, row: 0, block: 0 }

  for (let round = 0; round < rounds; round++) {
    weight.fill(0)
    for (let j = 0; j < n; j++) {
      const word = options.randomWord()
      r[j] = (word & 1 ? 1 : -1) * (1 + (BETA * (word >>> 8)) / 2 ** 24)
      weight[Math.floor(j / w)] += r[j] * r[j] * bNorm[j] * bNorm[j]
    }
    for (let l = 0; l < k; l++) {
      const row = l * stride + offset
      for (let q = 0; q < blocks; q++) {
        let s = 0
        for (let j = q * w, end = Math.min(n, j + w); j < end; j++) s += b.data[row + j] * r[j]
        br[l * blocks + q] = s
      }
    }
    for (let i = 0; i < m; i++) {
      abr.fill(0)
      const arow = i * k
      for (let l = 0; l < k; l++) {
        const ail = a.data[arow + l]
        const brow = l * blocks
        for (let q = 0; q < blocks; q++) abr[q] += ail * br[brow + q]
      }
      const crow = i * n
      for (let q = 0; q < blocks; q++) {
        let s = 0
        for (let j = q * w, end = Math.min(n, j + w); j < end; j++) s += c.data[crow + j] * r[j]
        cr[q] = s
      }
      for (let q = 0; q < blocks; q++) {
        const tau = scale * aNorm[i] * Math.sqrt(weight[q]) + floor
        const ratio = Math.abs(cr[q] - abr[q]) / tau
        // NaN in C makes the ratio NaN: `!(ratio <= 1)` counts it as a failure.
        if (!(ratio <= 1)) {
          return {
            ok: false,
            worstRatio: Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio,
            row: i,
            block: q,
          }
        }
        if (ratio > worst.ratio) worst = { ratio, row: i, block: q }
      }
    }
  }
  return { ok: true, worstRatio: worst.ratio, row: worst.row, block: worst.block }
}

/** Random words from the platform's CSPRNG, drawn in blocks: contributors must not predict r. */
export function cryptoRandomWords(block = 1024): () => number {
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
