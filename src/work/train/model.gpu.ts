/**
 * The model of model.ts on Tessera's WGSL kernels: the same forward and backward as model.ref.ts,
 * recorded into one command encoder and read back once (the per-row losses and the packed gradient
 * in one buffer). Weights stay on the GPU between shards of the same model version; local AdamW
 * steps (the low-communication mode) run there too.
 */

import type { AdamWConfig } from '../../gpu/kernels/adamw.ref.ts'
import { adamw } from '../../gpu/kernels/adamw.ts'
import { crossEntropy, crossEntropyBackward } from '../../gpu/kernels/cross-entropy.ts'
import { elementwise } from '../../gpu/kernels/elementwise.ts'
import { embedding, embeddingBackward } from '../../gpu/kernels/embedding.ts'
import { type GemmVariant, gemm } from '../../gpu/kernels/gemm.ts'
import { layerNorm, layerNormBackward } from '../../gpu/kernels/layernorm.ts'
import { multiheadAttention, multiheadAttentionBackward } from '../../gpu/kernels/multihead-attention.ts'
import type { GpuRuntime, GpuTensor } from '../../gpu/runtime.ts'
import { type Batch, type LossAndGradient, positions } from './model.ref.ts'
import { type ModelConfig, parameterLayout, view } from './model.ts'

export interface GpuModel {
  /** Uploads weights and clears local optimizer state; a no-op when `key` (the version's sha256) is loaded and unchanged. */
  load(key: string, weights: Float32Array): void
  lossAndGradient(batch: Batch): Promise<LossAndGradient>
  /** Forward, backward and an AdamW step of the loaded weights in place; returns the batch's loss. */
  trainStep(batch: Batch, optimizer: AdamWConfig): Promise<number>
  /** The loaded weights as they are now (after local steps). */
  readWeights(): Promise<Float32Array>
  destroy(): void
}

/** What a forward or backward pass records with: temporaries it makes are `keep`-ed for release. */
interface Pass {
  rt: GpuRuntime
  c: ModelConfig
  p(name: string): GpuTensor
  mm(a: GpuTensor, b: GpuTensor, o?: { transA?: boolean; transB?: boolean }): GpuTensor
  keep<T extends GpuTensor>(t: T): T
}

type Forward = ReturnType<typeof forward>

function forward({ rt, c, p, mm, keep }: Pass, batch: Batch) {
  const n = batch.inputs.length
  const shape = { batch: batch.sequences, t: c.context, heads: c.heads, width: c.width }
  const ids = keep(rt.tensor([n], batch.inputs))
  const targets = keep(rt.tensor([n], batch.targets))
  const pos = keep(rt.tensor([n], positions(batch.sequences, c.context)))
  let x = keep(elementwise(rt, 'add', keep(embedding(rt, p('wte'), ids)), keep(embedding(rt, p('wpe'), pos))))
  const layers = []
  for (let l = 0; l < c.layers; l++) {
    const ln1 = layerNorm(rt, x, p(`h${l}.ln1.g`), p(`h${l}.ln1.b`))
    keep(ln1.y)
    keep(ln1.stats)
    const qkv = keep(mm(ln1.y, p(`h${l}.attn.qkv`)))
    const att = multiheadAttention(rt, qkv, shape)
    keep(att.out)
    keep(att.probs)
    const mid = keep(elementwise(rt, 'add', x, keep(mm(att.out, p(`h${l}.attn.proj`)))))
    const ln2 = layerNorm(rt, mid, p(`h${l}.ln2.g`), p(`h${l}.ln2.b`))
    keep(ln2.y)
    keep(ln2.stats)
    const pre = keep(mm(ln2.y, p(`h${l}.mlp.fc`)))
    const act = keep(elementwise(rt, 'gelu', pre))
    layers.push({ x, ln1, qkv, att, mid, ln2, pre, act })
    x = keep(elementwise(rt, 'add', mid, keep(mm(act, p(`h${l}.mlp.proj`)))))
  }
  const lnf = layerNorm(rt, x, p('lnf.g'), p('lnf.b'))
  keep(lnf.y)
  keep(lnf.stats)
  const logits = keep(mm(lnf.y, p('head')))
  return { shape, ids, targets, pos, layers, x, lnf, logits, losses: crossEntropy(rt, logits, targets) }
}

/** Each parameter's gradient of the forward pass's mean loss. */
function backward(
  { rt, c, p, mm, keep }: Pass,
  { shape, ids, targets, pos, layers, x, lnf, logits }: Forward,
) {
  const grads = new Map<string, GpuTensor>()
  const dlogits = keep(crossEntropyBackward(rt, logits, targets))
  grads.set('head', mm(lnf.y, dlogits, { transA: true }))
  const f = layerNormBackward(rt, x, p('lnf.g'), lnf.stats, keep(mm(dlogits, p('head'), { transB: true })))
  grads.set('lnf.g', f.dgamma)
  grads.set('lnf.b', f.dbeta)
  let dx = keep(f.dx)
  for (let l = c.layers - 1; l >= 0; l--) {
    const L = layers[l]
    const dact = keep(mm(dx, p(`h${l}.mlp.proj`), { transB: true }))
    grads.set(`h${l}.mlp.proj`, mm(L.act, dx, { transA: true }))
    const dpre = keep(elementwise(rt, 'gelu-backward', L.pre, dact))
    grads.set(`h${l}.mlp.fc`, mm(L.ln2.y, dpre, { transA: true }))
    const dln2 = keep(mm(dpre, p(`h${l}.mlp.fc`), { transB: true }))
    const b2 = layerNormBackward(rt, L.mid, p(`h${l}.ln2.g`), L.ln2.stats, dln2)
    grads.set(`h${l}.ln2.g`, b2.dgamma)
    grads.set(`h${l}.ln2.b`, b2.dbeta)
    const dmid = keep(elementwise(rt, 'add', dx, keep(b2.dx)))
    const datt = keep(mm(dmid, p(`h${l}.attn.proj`), { transB: true }))
    grads.set(`h${l}.attn.proj`, mm(L.att.out, dmid, { transA: true }))
    const dqkv = keep(multiheadAttentionBackward(rt, L.qkv, L.att.probs, datt, shape))
    grads.set(`h${l}.attn.qkv`, mm(L.ln1.y, dqkv, { transA: true }))
    const dln1 = keep(mm(dqkv, p(`h${l}.attn.qkv`), { transB: true }))
    const b1 = layerNormBackward(rt, L.x, p(`h${l}.ln1.g`), L.ln1.stats, dln1)
    grads.set(`h${l}.ln1.g`, b1.dgamma)
    grads.set(`h${l}.ln1.b`, b1.dbeta)
    dx = keep(elementwise(rt, 'add', dmid, keep(b1.dx)))
  }
  grads.set('wte', embeddingBackward(rt, dx, ids, c.vocab))
  grads.set('wpe', embeddingBackward(rt, dx, pos, c.context))
  return grads
}

export function createGpuModel(rt: GpuRuntime, c: ModelConfig, variant?: GemmVariant): GpuModel {
  const layout = parameterLayout(c)
  let loaded: string | undefined
  let params = new Map<string, GpuTensor>()
  let moments: Map<string, { m: GpuTensor; v: GpuTensor }> | undefined
  const p = (name: string) => params.get(name)!
  const mm = (a: GpuTensor, b: GpuTensor, o: { transA?: boolean; transB?: boolean } = {}) =>
    gemm(rt, a, b, { ...o, variant })

  function releaseAll(map: Iterable<GpuTensor>) {
    for (const t of map) rt.release(t)
  }

  /** Records forward and backward; returns per-row losses and each parameter's gradient tensor. */
  function record(batch: Batch): { losses: GpuTensor; grads: Map<string, GpuTensor> } {
    const temps: GpuTensor[] = []
    const keep = <T extends GpuTensor>(t: T) => {
      temps.push(t)
      return t
    }
    const pass: Pass = { rt, c, p, mm, keep }
    const f = forward(pass, batch)
    const grads = backward(pass, f)
    releaseAll(temps)
    return { losses: f.losses, grads }
  }

  function meanOf(rows: Float32Array): number {
    let s = 0
    for (const v of rows) s += v
    return s / rows.length
  }

  return {
    load(key, weights) {
      if (loaded === key) return
      if (weights.length !== layout.size)
        throw new RangeError(`weights have ${weights.length} values, the model ${layout.size}`)
      releaseAll(params.values())
      params = new Map(layout.params.map((s) => [s.name, rt.tensor(s.shape, view(weights, s))]))
      if (moments != null) for (const { m, v } of moments.values()) releaseAll([m, v])
      moments = undefined
      loaded = key
    },
    async lossAndGradient(batch) {
      const { losses, grads } = record(batch)
      const packed = rt.tensor([layout.size + losses.size])
      for (const s of layout.params) rt.copy(grads.get(s.name)!, packed, s.offset)
      rt.copy(losses, packed, layout.size)
      releaseAll([losses, ...grads.values()])
      try {
        const all = await rt.read(packed)
        return { loss: meanOf(all.subarray(layout.size)), gradient: all.subarray(0, layout.size) }
      } finally {
        rt.release(packed)
      }
    },
    async trainStep(batch, optimizer) {
      moments ??= new Map(
        layout.params.map((s) => [
          s.name,
          {
            m: rt.tensor(s.shape, new Float32Array(s.size)),
            v: rt.tensor(s.shape, new Float32Array(s.size)),
          },
        ]),
      )
      // The weights are no longer the version loaded: the next load() uploads it afresh.
      loaded = undefined
      const { losses, grads } = record(batch)
      for (const s of layout.params) {
        const { m, v } = moments.get(s.name)!
        adamw(rt, p(s.name), grads.get(s.name)!, m, v, optimizer)
      }
      releaseAll(grads.values())
      try {
        return meanOf(await rt.read(losses))
      } finally {
        rt.release(losses)
      }
    },
    async readWeights() {
      const packed = rt.tensor([layout.size])
      for (const s of layout.params) rt.copy(p(s.name), packed, s.offset)
      try {
        return await rt.read(packed)
      } finally {
        rt.release(packed)
      }
    },
    destroy() {
      releaseAll(params.values())
      if (moments != null) for (const { m, v } of moments.values()) releaseAll([m, v])
      params = new Map()
      moments = undefined
      loaded = undefined
      rt.flush()
    },
  }
}
