/**
 * CPU reference for multihead-attention.wgsl: causal multi-head self-attention straight from the
 * fused QKV projection, as a transformer block uses it. `qkv` is (B·T) x 3d: row b·T + t holds the
 * token's q, k and v side by side, head h in columns h·hd … (h+1)·hd of each. `probs` is
 * (B·H·T) x T, row (b·H + h)·T + t, zero above the diagonal.
 */
export interface HeadsShape {
  batch: number
  /** Tokens per sequence. */
  t: number
  heads: number
  /** Model width d; each head has d / heads columns. */
  width: number
}

export interface HeadsForward {
  out: Float32Array
  probs: Float32Array
}

export function multiheadAttentionRef(qkv: Float32Array, s: HeadsShape): HeadsForward {
  const { batch, t: T, heads, width: d } = s
  const hd = d / heads
  const scale = 1 / Math.sqrt(hd)
  const out = new Float32Array(batch * T * d)
  const probs = new Float32Array(batch * heads * T * T)
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * 3 * d + h * hd
        const p = ((b * heads + h) * T + t) * T
        let max = Number.NEGATIVE_INFINITY
        for (let u = 0; u <= t; u++) {
          const k = (b * T + u) * 3 * d + d + h * hd
          let dot = 0
          for (let i = 0; i < hd; i++) dot += qkv[q + i] * qkv[k + i]
          probs[p + u] = dot * scale
          max = Math.max(max, dot * scale)
        }
        let sum = 0
        for (let u = 0; u <= t; u++) sum += Math.exp(probs[p + u] - max)
        for (let u = 0; u <= t; u++) probs[p + u] = Math.exp(probs[p + u] - max) / sum
        const o = (b * T + t) * d + h * hd
        for (let u = 0; u <= t; u++) {
          const v = (b * T + u) * 3 * d + 2 * d + h * hd
          for (let i = 0; i < hd; i++) out[o + i] += probs[p + u] * qkv[v + i]
        }
      }
    }
  }
  return { out, probs }
}

/** Gradient of the fused QKV input, (B·T) x 3d, from the gradient of the output, (B·T) x d. */
export function multiheadAttentionBackwardRef(
  qkv: Float32Array,
  probs: Float32Array,
  dout: Float32Array,
  s: HeadsShape,
): Float32Array {
  const { batch, t: T, heads, width: d } = s
  const hd = d / heads
  const scale = 1 / Math.sqrt(hd)
  const dqkv = new Float32Array(batch * T * 3 * d)
  const ds = new Float64Array(T)
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < T; t++) {
        const p = ((b * heads + h) * T + t) * T
        const o = (b * T + t) * d + h * hd
        let dot = 0
        for (let u = 0; u <= t; u++) {
          const v = (b * T + u) * 3 * d + 2 * d + h * hd
          let dp = 0
          for (let i = 0; i < hd; i++) {
            dp += dout[o + i] * qkv[v + i]
            dqkv[v + i] += probs[p + u] * dout[o + i]
          }
          ds[u] = dp
          dot += probs[p + u] * dp
        }
        const q = (b * T + t) * 3 * d + h * hd
        for (let u = 0; u <= t; u++) {
          const g = probs[p + u] * (ds[u] - dot) * scale
          const k = (b * T + u) * 3 * d + d + h * hd
          for (let i = 0; i < hd; i++) {
            dqkv[q + i] += g * qkv[k + i]
            dqkv[k + i] += g * qkv[q + i]
          }
        }
      }
    }
  }
  return dqkv
}
