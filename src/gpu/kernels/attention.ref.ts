/**
 * CPU reference for attention.ts: single-head causal self-attention, O = softmax(Q·Kᵀ/√d, causal)·V,
 * with Q, K, V of T x d, and its backward.
 */
import { gemmRef } from './gemm.ref.ts'
import { softmaxBackwardRef, softmaxRef } from './softmax.ref.ts'

export interface AttentionForward {
  out: Float32Array
  /** The attention probabilities, kept for the backward pass. */
  probs: Float32Array
}

export function attentionRef(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  t: number,
  d: number,
): AttentionForward {
  const scores = gemmRef(q, k, t, t, d, { transB: true })
  const probs = softmaxRef(scores, t, t, { scale: 1 / Math.sqrt(d), causal: t })
  return { out: gemmRef(probs, v, t, d, t), probs }
}

export interface AttentionGrads {
  dq: Float32Array
  dk: Float32Array
  dv: Float32Array
}

export function attentionBackwardRef(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  probs: Float32Array,
  dout: Float32Array,
  t: number,
  d: number,
): AttentionGrads {
  const dv = gemmRef(probs, dout, t, d, t, { transA: true })
  const dprobs = gemmRef(dout, v, t, t, d, { transB: true })
  const dscores = softmaxBackwardRef(probs, dprobs, t, t, 1 / Math.sqrt(d))
  return { dq: gemmRef(dscores, k, t, d, t), dk: gemmRef(dscores, q, t, d, t, { transA: true }), dv }
}
