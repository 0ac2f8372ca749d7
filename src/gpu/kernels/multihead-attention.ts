/** Host side of multihead-attention.wgsl. CPU reference: multihead-attention.ref.ts. */
import { type GpuRuntime, type GpuTensor, linearGrid } from '../runtime.ts'
import type { HeadsShape } from './multihead-attention.ref.ts'
import source from './multihead-attention.wgsl?raw'

const WG = 64

function params(rt: GpuRuntime, qkv: GpuTensor, s: HeadsShape): { uniform: GPUBuffer; rows: number } {
  const { batch, t, heads, width } = s
  if (width % heads !== 0)
    throw new RangeError(`attention: width ${width} is not a multiple of ${heads} heads`)
  if (qkv.size !== batch * t * 3 * width) throw new RangeError('attention: qkv is not (batch·T) x 3·width')
  const rows = batch * heads * t
  return { uniform: rt.uniform([rows, t, heads, width], [1 / Math.sqrt(width / heads)]), rows }
}

export interface HeadsResult {
  /** (batch·T) x width */
  out: GpuTensor
  /** (batch·heads·T) x T, kept for the backward pass. */
  probs: GpuTensor
}

export function multiheadAttention(rt: GpuRuntime, qkv: GpuTensor, s: HeadsShape): HeadsResult {
  const { uniform, rows } = params(rt, qkv, s)
  const out = rt.tensor([s.batch * s.t, s.width])
  const probs = rt.tensor([rows, s.t])
  rt.dispatch(
    rt.kernel('multihead-attention', source, 'forward', { WG }),
    [uniform, qkv.buffer, probs.buffer, out.buffer],
    linearGrid(rows, WG),
    'attention',
  )
  return { out, probs }
}

/** Gradient of the fused QKV input from the gradient of the output. */
export function multiheadAttentionBackward(
  rt: GpuRuntime,
  qkv: GpuTensor,
  probs: GpuTensor,
  dout: GpuTensor,
  s: HeadsShape,
): GpuTensor {
  const { uniform, rows } = params(rt, qkv, s)
  const dqkv = rt.tensor(qkv.shape)
  const dscores = rt.tensor(probs.shape)
  const bindings = [uniform, qkv.buffer, probs.buffer, undefined, dout.buffer, dqkv.buffer, dscores.buffer]
  for (const entry of ['backwardQuery', 'backwardKey']) {
    rt.dispatch(
      rt.kernel('multihead-attention', source, entry, { WG }),
      bindings,
      linearGrid(rows, WG),
      `attention.${entry}`,
    )
  }
  rt.release(dscores)
  return dqkv
}
