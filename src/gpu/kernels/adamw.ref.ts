/** CPU reference for adamw.wgsl: one AdamW step (decoupled weight decay), in place. */
export interface AdamWConfig {
  lr: number
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
  /** 1-based step number, for bias correction. */
  step: number
}

export function adamwRef(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  c: AdamWConfig,
): void {
  const bc1 = 1 - c.beta1 ** c.step
  const bc2 = 1 - c.beta2 ** c.step
  for (let i = 0; i < p.length; i++) {
    m[i] = c.beta1 * m[i] + (1 - c.beta1) * g[i]
    v[i] = c.beta2 * v[i] + (1 - c.beta2) * g[i] * g[i]
    const update = m[i] / bc1 / (Math.sqrt(v[i] / bc2) + c.eps)
    p[i] = p[i] - c.lr * (update + c.weightDecay * p[i])
  }
}
