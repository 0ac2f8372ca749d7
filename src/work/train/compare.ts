/** How close two vectors (gradients, weight deltas) are: what the validator's verdicts are made of. */
export interface VectorComparison {
  /** ‖a − b‖ / ‖b‖ (b the reference); 0 when both are zero. */
  relativeL2: number
  /** a·b / (‖a‖‖b‖); 1 when both are zero. */
  cosine: number
  /** ‖a‖ */
  norm: number
}

export function compareVectors(a: Float32Array, b: Float32Array): VectorComparison {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`)
  let diff = 0
  let aa = 0
  let bb = 0
  let ab = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    diff += (x - y) * (x - y)
    aa += x * x
    bb += y * y
    ab += x * y
  }
  if (bb === 0)
    return {
      relativeL2: aa === 0 ? 0 : Number.POSITIVE_INFINITY,
      cosine: aa === 0 ? 1 : 0,
      norm: Math.sqrt(aa),
    }
  return {
    relativeL2: Math.sqrt(diff / bb),
    cosine: aa === 0 ? 0 : ab / Math.sqrt(aa * bb),
    norm: Math.sqrt(aa),
  }
}

/** The L2 norm (NaN when an entry is NaN). */
export function normOf(a: Float32Array): number {
  let s = 0
  for (const x of a) s += x * x
  return Math.sqrt(s)
}
