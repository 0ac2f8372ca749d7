/**
 * CPU reference of the model in model.ts: forward, loss and backward, built from the kernels' own
 * references (src/gpu/kernels/*.ref.ts). The validator verifies training shards with it and
 * model.gpu.ts is tested against it. Its matrix products go through a `Matmul`: gemmRef by default,
 * or a contributor's engine (ONNX Runtime's wasm GEMM in a page without a usable GPU: ten times and
 * more the speed of plain TypeScript loops), which is how CPU contributors train.
 */

import type { MatmulEngine } from '../../gpu/engine.ts'
import { crossEntropyBackwardRef, crossEntropyRef } from '../../gpu/kernels/cross-entropy.ref.ts'
import { elementwiseRef } from '../../gpu/kernels/elementwise.ref.ts'
import { embeddingBackwardRef, embeddingRef } from '../../gpu/kernels/embedding.ref.ts'
import { gemmRef } from '../../gpu/kernels/gemm.ref.ts'
import { type LayerNormForward, layerNormBackwardRef, layerNormRef } from '../../gpu/kernels/layernorm.ref.ts'
import {
  type HeadsShape,
  multiheadAttentionBackwardRef,
  multiheadAttentionRef,
} from '../../gpu/kernels/multihead-attention.ref.ts'
import { type Layout, type ModelConfig, parameterLayout, view } from './model.ts'

/** op(A) (m x k) · op(B) (k x n), row-major. */
export type Matmul = (
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  o?: { transA?: boolean; transB?: boolean },
) => Float32Array | Promise<Float32Array>

export const refMatmul: Matmul = (a, b, m, n, k, o) => gemmRef(a, b, m, n, k, o)

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]
  return out
}

/** A Matmul on an engine, which takes no transposes: they are made explicit (O(size), small beside the product). */
export function engineMatmul(engine: MatmulEngine): Matmul {
  return (a, b, m, n, k, o = {}) =>
    engine.matmul(o.transA ? transpose(a, k, m) : a, o.transB ? transpose(b, n, k) : b, m, n, k)
}

/** Sequences of `context` tokens and the next token after each. */
export interface Batch {
  sequences: number
  inputs: Uint32Array
  targets: Uint32Array
}

/** Token positions 0 … T−1 for each sequence: the rows of wpe each token adds. */
export function positions(sequences: number, context: number): Uint32Array {
  return Uint32Array.from({ length: sequences * context }, (_, i) => i % context)
}

interface LayerCache {
  x: Float32Array
  ln1: LayerNormForward
  qkv: Float32Array
  probs: Float32Array
  att: Float32Array
  mid: Float32Array
  ln2: LayerNormForward
  pre: Float32Array
  act: Float32Array
}

async function forward(c: ModelConfig, layout: Layout, w: Float32Array, batch: Batch, mm: Matmul) {
  const d = c.width
  const n = batch.inputs.length
  const p = (name: string) => view(w, layout.byName.get(name)!)
  const shape: HeadsShape = { batch: batch.sequences, t: c.context, heads: c.heads, width: d }
  const tok = embeddingRef(p('wte'), batch.inputs, d)
  const pos = embeddingRef(p('wpe'), positions(batch.sequences, c.context), d)
  let x = elementwiseRef('add', tok, pos)
  const layers: LayerCache[] = []
  for (let l = 0; l < c.layers; l++) {
    const ln1 = layerNormRef(x, p(`h${l}.ln1.g`), p(`h${l}.ln1.b`), n, d)
    const qkv = await mm(ln1.y, p(`h${l}.attn.qkv`), n, 3 * d, d)
    const { out: att, probs } = multiheadAttentionRef(qkv, shape)
    const mid = elementwiseRef('add', x, await mm(att, p(`h${l}.attn.proj`), n, d, d))
    const ln2 = layerNormRef(mid, p(`h${l}.ln2.g`), p(`h${l}.ln2.b`), n, d)
    const pre = await mm(ln2.y, p(`h${l}.mlp.fc`), n, 4 * d, d)
    const act = elementwiseRef('gelu', pre)
    layers.push({ x, ln1, qkv, probs, att, mid, ln2, pre, act })
    x = elementwiseRef('add', mid, await mm(act, p(`h${l}.mlp.proj`), n, d, 4 * d))
  }
  const lnf = layerNormRef(x, p('lnf.g'), p('lnf.b'), n, d)
  const logits = await mm(lnf.y, p('head'), n, c.vocab, d)
  return { x, layers, lnf, logits, shape }
}

/** Logits (tokens x vocab) of every position of the batch. */
export async function logitsRef(c: ModelConfig, weights: Float32Array, batch: Batch): Promise<Float32Array> {
  return (await forward(c, parameterLayout(c), weights, batch, refMatmul)).logits
}

/** Mean cross-entropy (nats per token) of the batch's targets. */
export async function lossRef(
  c: ModelConfig,
  weights: Float32Array,
  batch: Batch,
  mm: Matmul = refMatmul,
): Promise<number> {
  const { logits } = await forward(c, parameterLayout(c), weights, batch, mm)
  return crossEntropyRef(logits, batch.targets, batch.inputs.length, c.vocab)
}

export interface LossAndGradient {
  loss: number
  /** d loss / d weights, in the layout's order. */
  gradient: Float32Array
}

export async function lossAndGradientRef(
  c: ModelConfig,
  weights: Float32Array,
  batch: Batch,
  mm: Matmul = refMatmul,
): Promise<LossAndGradient> {
  const layout = parameterLayout(c)
  const d = c.width
  const n = batch.inputs.length
  const p = (name: string) => view(weights, layout.byName.get(name)!)
  const gradient = new Float32Array(layout.size)
  const g = (name: string, value: Float32Array) => view(gradient, layout.byName.get(name)!).set(value)
  const { x, layers, lnf, logits, shape } = await forward(c, layout, weights, batch, mm)
  const loss = crossEntropyRef(logits, batch.targets, n, c.vocab)

  const dlogits = crossEntropyBackwardRef(logits, batch.targets, n, c.vocab)
  g('head', await mm(lnf.y, dlogits, d, c.vocab, n, { transA: true }))
  const dlnf = await mm(dlogits, p('head'), n, d, c.vocab, { transB: true })
  const f = layerNormBackwardRef(x, p('lnf.g'), lnf.mean, lnf.rstd, dlnf, n, d)
  g('lnf.g', f.dgamma)
  g('lnf.b', f.dbeta)
  let dx = f.dx
  for (let l = c.layers - 1; l >= 0; l--) {
    const L = layers[l]
    const dact = await mm(dx, p(`h${l}.mlp.proj`), n, 4 * d, d, { transB: true })
    g(`h${l}.mlp.proj`, await mm(L.act, dx, 4 * d, d, n, { transA: true }))
    const dpre = elementwiseRef('gelu-backward', L.pre, dact)
    g(`h${l}.mlp.fc`, await mm(L.ln2.y, dpre, d, 4 * d, n, { transA: true }))
    const dln2 = await mm(dpre, p(`h${l}.mlp.fc`), n, d, 4 * d, { transB: true })
    const b2 = layerNormBackwardRef(L.mid, p(`h${l}.ln2.g`), L.ln2.mean, L.ln2.rstd, dln2, n, d)
    g(`h${l}.ln2.g`, b2.dgamma)
    g(`h${l}.ln2.b`, b2.dbeta)
    const dmid = elementwiseRef('add', dx, b2.dx)
    const datt = await mm(dmid, p(`h${l}.attn.proj`), n, d, d, { transB: true })
    g(`h${l}.attn.proj`, await mm(L.att, dmid, d, d, n, { transA: true }))
    const dqkv = multiheadAttentionBackwardRef(L.qkv, L.probs, datt, shape)
    g(`h${l}.attn.qkv`, await mm(L.ln1.y, dqkv, d, 3 * d, n, { transA: true }))
    const dln1 = await mm(dqkv, p(`h${l}.attn.qkv`), n, d, 3 * d, { transB: true })
    const b1 = layerNormBackwardRef(L.x, p(`h${l}.ln1.g`), L.ln1.mean, L.ln1.rstd, dln1, n, d)
    g(`h${l}.ln1.g`, b1.dgamma)
    g(`h${l}.ln1.b`, b1.dbeta)
    dx = elementwiseRef('add', dmid, b1.dx)
  }
  g('wte', embeddingBackwardRef(dx, batch.inputs, c.vocab, d))
  g('wpe', embeddingBackwardRef(dx, positions(batch.sequences, c.context), c.context, d))
  return { loss, gradient }
}
