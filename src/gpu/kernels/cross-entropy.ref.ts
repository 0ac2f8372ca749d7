/**
 * CPU references for cross-entropy.wgsl: mean over rows of −log softmax(logits)[target], and its
 * gradient with respect to the logits, (softmax − onehot) / rows.
 */
export function crossEntropyRef(
  logits: Float32Array,
  targets: Uint32Array,
  rows: number,
  cols: number,
): number {
  let total = 0
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY
    for (let j = 0; j < cols; j++) max = Math.max(max, logits[r * cols + j])
    let sum = 0
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[r * cols + j] - max)
    total += Math.log(sum) + max - logits[r * cols + targets[r]]
  }
  return total / rows
}

export function crossEntropyBackwardRef(
  logits: Float32Array,
  targets: Uint32Array,
  rows: number,
  cols: number,
): Float32Array {
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY
    for (let j = 0; j < cols; j++) max = Math.max(max, logits[r * cols + j])
    let sum = 0
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[r * cols + j] - max)
    for (let j = 0; j < cols; j++) {
      out[r * cols + j] = (Math.exp(logits[r * cols + j] - max) / sum - (j === targets[r] ? 1 : 0)) / rows
    }
  }
  return out
}
