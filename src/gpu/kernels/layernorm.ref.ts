/** CPU references for layernorm.wgsl: y = (x − mean) / sqrt(var + eps) · gamma + beta, per row. */

export interface LayerNormForward {
  y: Float32Array
  mean: Float32Array
  rstd: Float32Array
}

export function layerNormRef(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  rows: number,
  cols: number,
  eps = 1e-5,
): LayerNormForward {
  const y = new Float32Array(rows * cols)
  const mean = new Float32Array(rows)
  const rstd = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    let m = 0
    for (let j = 0; j < cols; j++) m += x[r * cols + j]
    m /= cols
    let v = 0
    for (let j = 0; j < cols; j++) v += (x[r * cols + j] - m) ** 2
    const s = 1 / Math.sqrt(v / cols + eps)
    mean[r] = m
    rstd[r] = s
    for (let j = 0; j < cols; j++) y[r * cols + j] = (x[r * cols + j] - m) * s * gamma[j] + beta[j]
  }
  return { y, mean, rstd }
}

export interface LayerNormGrads {
  dx: Float32Array
  dgamma: Float32Array
  dbeta: Float32Array
}

export function layerNormBackwardRef(
  x: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  dy: Float32Array,
  rows: number,
  cols: number,
): LayerNormGrads {
  const dx = new Float32Array(rows * cols)
  const dgamma = new Float32Array(cols)
  const dbeta = new Float32Array(cols)
  for (let r = 0; r < rows; r++) {
    let sumG = 0
    let sumGX = 0
    for (let j = 0; j < cols; j++) {
      const xhat = (x[r * cols + j] - mean[r]) * rstd[r]
      const g = dy[r * cols + j] * gamma[j]
      sumG += g
      sumGX += g * xhat
      dgamma[j] += dy[r * cols + j] * xhat
      dbeta[j] += dy[r * cols + j]
    }
    for (let j = 0; j < cols; j++) {
      const xhat = (x[r * cols + j] - mean[r]) * rstd[r]
      const g = dy[r * cols + j] * gamma[j]
      dx[r * cols + j] = rstd[r] * (g - sumG / cols - (xhat * sumGX) / cols)
    }
  }
  return { dx, dgamma, dbeta }
}
