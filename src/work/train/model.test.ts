/**
 * The model's CPU reference: its gradient agrees with finite differences of its loss in every
 * parameter tensor, and its multi-head attention agrees with the single-head reference per head.
 */
import { describe, expect, it } from 'vitest'
import { attentionRef } from '../../gpu/kernels/attention.ref.ts'
import { multiheadAttentionRef } from '../../gpu/kernels/multihead-attention.ref.ts'
import { createPrng, uniformMatrix } from '../prng.ts'
import { type Batch, lossAndGradientRef, lossRef } from './model.ref.ts'
import { initialWeights, type ModelConfig, parameterLayout, trainFlops, view } from './model.ts'

const config: ModelConfig = { vocab: 11, layers: 2, width: 8, heads: 2, context: 5 }

function randomBatch(sequences: number, seed: number): Batch {
  const random = createPrng(seed)
  const n = sequences * config.context
  const draw = () => Uint32Array.from({ length: n }, () => Math.floor(random() * config.vocab))
  return { sequences, inputs: draw(), targets: draw() }
}

describe('the model reference', () => {
  it('has a gradient that matches central differences in every tensor', async () => {
    const layout = parameterLayout(config)
    // Larger weights than at initialisation, so every path carries a gradient well above f32 noise.
    const weights = uniformMatrix(createPrng(3), layout.size, -0.6, 0.6)
    for (const p of layout.params) {
      if (p.init !== 'ones') continue
      const v = view(weights, p)
      for (let i = 0; i < v.length; i++) v[i] += 1
    }
    const batch = randomBatch(2, 4)
    const { loss, gradient } = await lossAndGradientRef(config, weights, batch)
    expect(loss).toBeCloseTo(await lossRef(config, weights, batch), 6)
    const h = 1e-2
    const random = createPrng(5)
    for (const p of layout.params) {
      const scale = Math.max(1e-3, ...Array.from(view(gradient, p), Math.abs))
      for (let probe = 0; probe < 4; probe++) {
        const i = p.offset + Math.floor(random() * p.size)
        const keep = weights[i]
        weights[i] = keep + h
        const up = await lossRef(config, weights, batch)
        weights[i] = keep - h
        const down = await lossRef(config, weights, batch)
        weights[i] = keep
        const numeric = (up - down) / (Math.fround(keep + h) - Math.fround(keep - h))
        expect(Math.abs(numeric - gradient[i]) / scale, `${p.name}[${i - p.offset}]`).toBeLessThan(2e-2)
      }
    }
  })

  it('starts near the loss of a uniform guess, ln(vocab)', async () => {
    const c = { ...config, vocab: 256 }
    const random = createPrng(9)
    const n = 3 * c.context
    const batch: Batch = {
      sequences: 3,
      inputs: Uint32Array.from({ length: n }, () => Math.floor(random() * 256)),
      targets: Uint32Array.from({ length: n }, () => Math.floor(random() * 256)),
    }
    expect(Math.abs((await lossRef(c, initialWeights(c, 1), batch)) - Math.log(256))).toBeLessThan(0.05)
  })

  it('computes each head as single-head causal attention does', () => {
    const shape = { batch: 2, t: 4, heads: 2, width: 6 }
    const qkv = uniformMatrix(createPrng(7), 2 * 4 * 18, -1, 1)
    const { out } = multiheadAttentionRef(qkv, shape)
    for (let b = 0; b < 2; b++) {
      for (let h = 0; h < 2; h++) {
        const pick = (part: number) =>
          Float32Array.from(
            { length: 4 * 3 },
            (_, i) => qkv[(b * 4 + Math.floor(i / 3)) * 18 + part * 6 + h * 3 + (i % 3)],
          )
        const want = attentionRef(pick(0), pick(1), pick(2), 4, 3).out
        for (let t = 0; t < 4; t++) {
          for (let i = 0; i < 3; i++) expect(out[(b * 4 + t) * 6 + h * 3 + i]).toBeCloseTo(want[t * 3 + i], 5)
        }
      }
    }
  })

  it('declares about six FLOPs per parameter per token, as the usual estimate has it', () => {
    const c = { vocab: 256, layers: 4, width: 128, heads: 4, context: 64 }
    const params = parameterLayout(c).size
    const ratio = trainFlops(c, 1000) / (6 * params * 1000)
    expect(ratio).toBeGreaterThan(0.8)
    expect(ratio).toBeLessThan(1.2)
  })
})

describe('sampling with a key/value cache', () => {
  it('gives the same next-byte logits as the full forward pass at every position', async () => {
    const { createDecoder } = await import('./sample.ts')
    const { logitsRef } = await import('./model.ref.ts')
    const c = { vocab: 256, layers: 2, width: 16, heads: 4, context: 6 }
    const weights = uniformMatrix(createPrng(8), parameterLayout(c).size, -0.3, 0.3)
    const inputs = Uint32Array.from([72, 101, 108, 108, 111, 33])
    const full = await logitsRef(c, weights, { sequences: 1, inputs, targets: inputs })
    const decoder = createDecoder(c, weights)
    for (let t = 0; t < c.context; t++) {
      const got = decoder.push(inputs[t])
      for (let j = 0; j < c.vocab; j += 17) expect(got[j]).toBeCloseTo(full[t * c.vocab + j], 4)
    }
  })
})

describe('the reference on an engine', () => {
  it('gives the same loss and gradient with its products on a MatmulEngine (transposes made explicit)', async () => {
    const { createCpuEngine } = await import('../../gpu/cpu-engine.ts')
    const { engineMatmul } = await import('./model.ref.ts')
    const c = { vocab: 256, layers: 1, width: 8, heads: 2, context: 4 }
    const weights = uniformMatrix(createPrng(4), parameterLayout(c).size, -0.3, 0.3)
    const random = createPrng(6)
    const draw = () => Uint32Array.from({ length: 8 }, () => Math.floor(random() * 256))
    const batch = { sequences: 2, inputs: draw(), targets: draw() }
    const want = await lossAndGradientRef(c, weights, batch)
    const got = await lossAndGradientRef(c, weights, batch, engineMatmul(createCpuEngine()))
    expect(got.loss).toBeCloseTo(want.loss, 6)
    for (let i = 0; i < want.gradient.length; i += 7) expect(got.gradient[i]).toBeCloseTo(want.gradient[i], 6)
  })
})

describe('LoRA adapters', () => {
  it('give the adapters gradient of the merged model, checked by central differences', async () => {
    const { loraLayout, mergeAdapters } = await import('./lora.ts')
    const { runShardRef } = await import('./shard-ref.ts')
    const c = { vocab: 256, layers: 1, width: 8, heads: 2, context: 4 }
    const lora = { rank: 2, alpha: 4 }
    const base = uniformMatrix(createPrng(10), parameterLayout(c).size, -0.4, 0.4)
    const layout = loraLayout(c, lora)
    const adapters = uniformMatrix(createPrng(11), layout.size, -0.4, 0.4)
    const corpus = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256)
    const work = { model: c, offsets: [0, 20], microBatch: 2, lora }
    const { loss, vector } = await runShardRef(work, adapters, corpus, undefined, base)
    const { batchAt } = await import('./corpus.ts')
    const batch = batchAt(corpus, [0, 20], c.context)
    const lossAt = async (a: Float32Array) => lossRef(c, mergeAdapters(c, lora, base, a), batch)
    expect(loss).toBeCloseTo(await lossAt(adapters), 6)
    const scale = Math.max(...Array.from(vector, Math.abs))
    const random = createPrng(12)
    for (let probe = 0; probe < 24; probe++) {
      const i = Math.floor(random() * layout.size)
      const keep = adapters[i]
      adapters[i] = keep + 1e-2
      const up = await lossAt(adapters)
      adapters[i] = keep - 1e-2
      const down = await lossAt(adapters)
      adapters[i] = keep
      const numeric = (up - down) / (Math.fround(keep + 1e-2) - Math.fround(keep - 1e-2))
      expect(Math.abs(numeric - vector[i]) / scale, `adapter value ${i}`).toBeLessThan(2e-2)
    }
  })

  it('leave the base model unchanged while B is zero, and adapt only the projections', async () => {
    const { initialAdapters, loraLayout, mergeAdapters } = await import('./lora.ts')
    const c = { vocab: 256, layers: 2, width: 16, heads: 2, context: 4 }
    const lora = { rank: 4, alpha: 8 }
    const base = initialWeights(c, 3)
    expect(mergeAdapters(c, lora, base, initialAdapters(c, lora, 1))).toEqual(base)
    const layout = loraLayout(c, lora)
    expect(layout.adapters.map((a) => a.target.name)).toEqual(
      [0, 1].flatMap((l) => ['attn.qkv', 'attn.proj', 'mlp.fc', 'mlp.proj'].map((s) => `h${l}.${s}`)),
    )
    // Adapter-sized: a small fraction of the model.
    expect(layout.size).toBeLessThan(parameterLayout(c).size / 4)
  })
})
