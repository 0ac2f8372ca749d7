/**
 * LoRA adapters for fine-tuning: each attention and MLP projection W (in × out) of the frozen base
 * gets A (in × r) and B (r × out), and the model runs with W + (alpha / r)·A·B. Only the adapters
 * train and travel: a shard's result is the gradient of the adapters alone, which the full
 * gradient of W gives by the chain rule (dA = s·dW·Bᵀ, dB = s·Aᵀ·dW). B starts at zero, so a fresh
 * adapter leaves the base model unchanged.
 */
import { createPrng, fillNormal } from '../prng.ts'
import { type ModelConfig, type ParameterSpec, parameterLayout, view } from './model.ts'

export interface LoraConfig {
  rank: number
  alpha: number
}

/** The projections that get adapters, by their parameter name suffix. */
const ADAPTED = ['attn.qkv', 'attn.proj', 'mlp.fc', 'mlp.proj']

export interface AdapterSpec {
  /** The base parameter it adapts. */
  target: ParameterSpec
  a: ParameterSpec
  b: ParameterSpec
}

export interface LoraLayout {
  adapters: AdapterSpec[]
  size: number
  params: ParameterSpec[]
}

export function loraLayout(c: ModelConfig, lora: LoraConfig): LoraLayout {
  const base = parameterLayout(c)
  const adapters: AdapterSpec[] = []
  const params: ParameterSpec[] = []
  let offset = 0
  const add = (name: string, shape: number[], init: ParameterSpec['init']): ParameterSpec => {
    const size = shape[0] * shape[1]
    const spec = { name, shape, offset, size, init }
    offset += size
    params.push(spec)
    return spec
  }
  for (const target of base.params) {
    if (!ADAPTED.some((s) => target.name.endsWith(s))) continue
    const [inDim, outDim] = target.shape
    adapters.push({
      target,
      a: add(`${target.name}.lora_a`, [inDim, lora.rank], { normal: 1 / Math.sqrt(inDim) }),
      b: add(`${target.name}.lora_b`, [lora.rank, outDim], 'zeros'),
    })
  }
  return { adapters, size: offset, params }
}

export function initialAdapters(c: ModelConfig, lora: LoraConfig, seed: number): Float32Array {
  const layout = loraLayout(c, lora)
  const random = createPrng(seed)
  const out = new Float32Array(layout.size)
  for (const { a } of layout.adapters) fillNormal(random, view(out, a), (a.init as { normal: number }).normal)
  return out
}

/** base + s·A·B for every adapted projection: the weights the model runs with. */
export function mergeAdapters(
  c: ModelConfig,
  lora: LoraConfig,
  base: Float32Array,
  adapters: Float32Array,
): Float32Array {
  const layout = loraLayout(c, lora)
  const s = lora.alpha / lora.rank
  const w = base.slice()
  for (const { target, a, b } of layout.adapters) {
    const [n, m] = target.shape
    const W = view(w, target)
    const A = view(adapters, a)
    const B = view(adapters, b)
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < lora.rank; r++) {
        const air = s * A[i * lora.rank + r]
        if (air === 0) continue
        for (let j = 0; j < m; j++) W[i * m + j] += air * B[r * m + j]
      }
    }
  }
  return w
}

/** The adapters' gradient from the full gradient of the merged model. */
export function adapterGradient(
  c: ModelConfig,
  lora: LoraConfig,
  adapters: Float32Array,
  full: Float32Array,
): Float32Array {
  const layout = loraLayout(c, lora)
  const s = lora.alpha / lora.rank
  const R = lora.rank
  const g = new Float32Array(layout.size)
  for (const { target, a, b } of layout.adapters) {
    const [n, m] = target.shape
    const dW = view(full, target)
    const A = view(adapters, a)
    const B = view(adapters, b)
    const dA = view(g, a)
    const dB = view(g, b)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const d = s * dW[i * m + j]
        if (d === 0) continue
        for (let r = 0; r < R; r++) {
          dA[i * R + r] += d * B[r * m + j]
          dB[r * m + j] += d * A[i * R + r]
        }
      }
    }
  }
  return g
}
