/**
 * Single-head causal self-attention, composed of gemm and softmax: O = softmax(Q·Kᵀ/√d, causal)·V for
 * Q, K, V of T x d; multi-head attention runs it per head. CPU reference: attention.ref.ts.
 */
import type { GpuRuntime, GpuTensor } from '../runtime.ts'
import { type GemmVariant, gemm } from './gemm.ts'
import { softmax, softmaxBackward } from './softmax.ts'

export interface AttentionResult {
  out: GpuTensor
  probs: GpuTensor
}

export function attention(
  rt: GpuRuntime,
  q: GpuTensor,
  k: GpuTensor,
  v: GpuTensor,
  variant?: GemmVariant,
): AttentionResult {
  const [t, d] = q.shape
  const scores = gemm(rt, q, k, { transB: true, variant })
  const probs = softmax(rt, scores, { scale: 1 / Math.sqrt(d), causal: t })
  rt.release(scores)
  return { out: gemm(rt, probs, v, { variant }), probs }
}

export interface AttentionGradients {
  dq: GpuTensor
  dk: GpuTensor
  dv: GpuTensor
}

export function attentionBackward(
  rt: GpuRuntime,
  q: GpuTensor,
  k: GpuTensor,
  v: GpuTensor,
  probs: GpuTensor,
  dout: GpuTensor,
  variant?: GemmVariant,
): AttentionGradients {
  const d = q.shape[1]
  const dv = gemm(rt, probs, dout, { transA: true, variant })
  const dprobs = gemm(rt, dout, v, { transB: true, variant })
  const dscores = softmaxBackward(rt, probs, dprobs, 1 / Math.sqrt(d))
  rt.release(dprobs)
  const dq = gemm(rt, dscores, k, { variant })
  const dk = gemm(rt, dscores, q, { transA: true, variant })
  rt.release(dscores)
  return { dq, dk, dv }
}
