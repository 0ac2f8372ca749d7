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
  it('has a gradient that matches central differences in every tensor', () => {
    const layout = parameterLayout(config)
    // Larger weights than at initialisation, so every path carries a gradient well above f32 noise.
    const weights = uniformMatrix(createPrng(3), layout.size, -0.6, 0.6)
    for (const p of layout.params) {
      if (p.init !== 'ones') continue
      const v = view(weights, p)
      for (let i = 0; i < v.length; i++) v[i] += 1
    }
    const batch = randomBatch(2, 4)
    const { loss, gradient } = lossAndGradientRef(config, weights, batch)
    expect(loss).toBeCloseTo(lossRef(config, weights, batch), 6)
    const h = 1e-2
    const random = createPrng(5)
    for (const p of layout.params) {
      const scale = Math.max(1e-3, ...Array.from(view(gradient, p), Math.abs))
      for (let probe = 0; probe < 4; probe++) {
        const i = p.offset + Math.floor(random() * p.size)
        const keep = weights[i]
        weights[i] = keep + h
        const up = lossRef(config, weights, batch)
        weights[i] = keep - h
        const down = lossRef(config, weights, batch)
        weights[i] = keep
        const numeric = (up - down) / (Math.fround(keep + h) - Math.fround(keep - h))
        expect(Math.abs(numeric - gradient[i]) / scale, `${p.name}[${i - p.offset}]`).toBeLessThan(2e-2)
      }
    }
  })

  it('starts near the loss of a uniform guess, ln(vocab)', () => {
    const c = { ...config, vocab: 256 }
    const random = createPrng(9)
    const n = 3 * c.context
    const batch: Batch = {
      sequences: 3,
      inputs: Uint32Array.from({ length: n }, () => Math.floor(random() * 256)),
      targets: Uint32Array.from({ length: n }, () => Math.floor(random() * 256)),
    }
    expect(Math.abs(lossRef(c, initialWeights(c, 1), batch) - Math.log(256))).toBeLessThan(0.05)
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
    const full = logitsRef(c, weights, { sequences: 1, inputs, targets: inputs })
    const decoder = createDecoder(c, weights)
    for (let t = 0; t < c.context; t++) {
      const got = decoder.push(inputs[t])
      for (let j = 0; j < c.vocab; j += 17) expect(got[j]).toBeCloseTo(full[t * c.vocab + j], 4)
    }
  })
})
