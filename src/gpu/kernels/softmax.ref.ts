/**
 * CPU references for softmax.wgsl: row softmax of (scale * x), optionally causal (row r of a T x T
 * block attends to columns 0..r % T), and its backward.
 */
export interface SoftmaxOptions {
  scale?: number
  /** Rows are grouped in blocks of `causal` rows (one attention matrix each); row i sees columns <= i. */
  causal?: number
}

export function softmaxRef(
  x: Float32Array,
  rows: number,
  cols: number,
  options: SoftmaxOptions = {},
): Float32Array {
  const { scale = 1, causal } = options
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    const limit = causal ? (r % causal) + 1 : cols
    let max = Number.NEGATIVE_INFINITY
    for (let j = 0; j < limit; j++) max = Math.max(max, scale * x[r * cols + j])
    let sum = 0
    for (let j = 0; j < limit; j++) sum += Math.exp(scale * x[r * cols + j] - max)
    for (let j = 0; j < cols; j++)
      out[r * cols + j] = j < limit ? Math.exp(scale * x[r * cols + j] - max) / sum : 0
  }
  return out
}

/** dX = scale * Y ⊙ (dY − rowsum(dY ⊙ Y)), with Y the softmax output (masked entries are 0 in Y). */
export function softmaxBackwardRef(
  y: Float32Array,
  dy: Float32Array,
  rows: number,
  cols: number,
  scale = 1,
): Float32Array {
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    let dot = 0
    for (let j = 0; j < cols; j++) dot += dy[r * cols + j] * y[r * cols + j]
    for (let j = 0; j < cols; j++) out[r * cols + j] = scale * y[r * cols + j] * (dy[r * cols + j] - dot)
  }
  return out
}
