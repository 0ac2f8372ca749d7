/**
 * The model the `train` kind trains: a decoder-only, byte-level transformer (GPT-2 shape, pre-norm,
 * no biases in the linear layers, untied output head). Its parameters are one flat f32 vector in the
 * order `parameterLayout` gives, so weights, gradients, deltas and optimizer state are all plain
 * Float32Arrays of the same length, and a tensor is a named view into them.
 *
 * Per layer: x += attn(ln1(x)) with qkv = ln1(x)·Wqkv (d × 3d) and out·Wo (d × d); x += mlp(ln2(x))
 * with gelu(ln2(x)·W1) (d × 4d) ·W2 (4d × d). Then lnf and logits = lnf(x)·head (d × vocab).
 */
import { createPrng, fillNormal } from '../prng.ts'

export interface ModelConfig {
  vocab: number
  layers: number
  width: number
  heads: number
  /** Context length: tokens per sequence. */
  context: number
}

/** nanoGPT's "baby" Shakespeare shape, in bytes instead of characters. */
export const DEFAULT_MODEL: ModelConfig = { vocab: 256, layers: 4, width: 128, heads: 4, context: 64 }

export interface ParameterSpec {
  name: string
  shape: number[]
  offset: number
  size: number
  /** How it starts: N(0, std), ones or zeros. */
  init: { normal: number } | 'ones' | 'zeros'
}

export interface Layout {
  params: ParameterSpec[]
  size: number
  byName: Map<string, ParameterSpec>
}

/** Names, shapes and offsets of every parameter, in storage order. */
export function parameterLayout(c: ModelConfig): Layout {
  const d = c.width
  const std = 0.02
  // GPT-2: residual projections start smaller, so the residual stream's variance does not grow with depth.
  const residualStd = std / Math.sqrt(2 * c.layers)
  const specs: Array<Omit<ParameterSpec, 'offset' | 'size'>> = [
    { name: 'wte', shape: [c.vocab, d], init: { normal: std } },
    { name: 'wpe', shape: [c.context, d], init: { normal: std } },
  ]
  for (let l = 0; l < c.layers; l++) {
    specs.push(
      { name: `h${l}.ln1.g`, shape: [d], init: 'ones' },
      { name: `h${l}.ln1.b`, shape: [d], init: 'zeros' },
      { name: `h${l}.attn.qkv`, shape: [d, 3 * d], init: { normal: std } },
      { name: `h${l}.attn.proj`, shape: [d, d], init: { normal: residualStd } },
      { name: `h${l}.ln2.g`, shape: [d], init: 'ones' },
      { name: `h${l}.ln2.b`, shape: [d], init: 'zeros' },
      { name: `h${l}.mlp.fc`, shape: [d, 4 * d], init: { normal: std } },
      { name: `h${l}.mlp.proj`, shape: [4 * d, d], init: { normal: residualStd } },
    )
  }
  specs.push(
    { name: 'lnf.g', shape: [d], init: 'ones' },
    { name: 'lnf.b', shape: [d], init: 'zeros' },
    { name: 'head', shape: [d, c.vocab], init: { normal: std } },
  )
  let offset = 0
  const params = specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1)
    const spec = { ...s, offset, size }
    offset += size
    return spec
  })
  return { params, size: offset, byName: new Map(params.map((p) => [p.name, p])) }
}

/** A parameter's view into a flat vector (weights, gradient, delta). */
export function view(flat: Float32Array, spec: ParameterSpec): Float32Array {
  return flat.subarray(spec.offset, spec.offset + spec.size)
}

/** Fresh weights, reproducible from the seed. */
export function initialWeights(c: ModelConfig, seed: number): Float32Array {
  const layout = parameterLayout(c)
  const random = createPrng(seed)
  const w = new Float32Array(layout.size)
  for (const p of layout.params) {
    const v = view(w, p)
    if (p.init === 'ones') v.fill(1)
    else if (p.init !== 'zeros') fillNormal(random, v, p.init.normal)
  }
  return w
}

/**
 * FLOPs of one forward and backward pass over `tokens` tokens (sequences of the full context): the
 * matrix products, 2 per multiply-add, backward twice the forward; attention's scores and weighted
 * sums counted over the causal half. The declared cost of a shard.
 */
export function trainFlops(c: ModelConfig, tokens: number): number {
  const d = c.width
  const perToken = c.layers * (2 * d * 3 * d + 2 * d * d + 2 * 2 * d * 4 * d) + 2 * d * c.vocab
  // q·k and p·v over on average (T + 1) / 2 positions.
  const attention = c.layers * 2 * 2 * d * ((c.context + 1) / 2)
  return 3 * tokens * (perToken + attention)
}
