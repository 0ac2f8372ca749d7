/** Grant and result payloads of the `train` kind, schema-checked (messages.proto holds the wire). */
import { bytesOf, Check, decodeWithin } from '../../protocol/check.ts'
import type { PayloadCodec } from '../kind.ts'
import type { Int8Blocks } from './compress.ts'
import * as pb from './messages.ts'
import { type ModelConfig, parameterLayout } from './model.ts'

/** Bounds on what a grant may ask for: a model a browser can hold, a shard it can finish. */
export const LIMITS = {
  vocab: 256,
  layers: 48,
  width: 2048,
  heads: 64,
  context: 2048,
  /** Parameters: 64 Mi f32 (256 MiB), 64 MiB on the wire as int8. */
  parameters: 64 * 1024 * 1024,
  offsets: 4096,
  localSteps: 1024,
  block: 65_536,
}

export interface LocalOptimizer {
  steps: number
  lr: number
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
}

export interface TrainGrant {
  weights: string
  step: number
  model: ModelConfig
  corpus: string
  offsets: number[]
  microBatch: number
  seed: number
  /** Present for a low-communication shard: one local step per micro-batch. */
  local?: LocalOptimizer
  block: number
  /** Present when fine-tuning with adapters: `weights` is the adapters, `base` the frozen model. */
  lora?: { base: string; rank: number; alpha: number }
}

export interface TrainResult {
  loss: number
  /** The gradient (data parallel) or the weight change (low communication), compressed. */
  vector: Int8Blocks
}

export function checkModel(c: Check, m: pb.ModelShape | undefined): ModelConfig {
  if (m == null) return c.fail('model', 'is missing')
  const model = {
    vocab: c.int('model.vocab', m.vocab, 2, LIMITS.vocab),
    layers: c.int('model.layers', m.layers, 1, LIMITS.layers),
    width: c.int('model.width', m.width, 1, LIMITS.width),
    heads: c.int('model.heads', m.heads, 1, LIMITS.heads),
    context: c.int('model.context', m.context, 1, LIMITS.context),
  }
  if (model.width % model.heads !== 0) c.fail('model.width', 'must be a multiple of model.heads')
  if (parameterLayout(model).size > LIMITS.parameters)
    c.fail('model', `has over ${LIMITS.parameters} parameters`)
  return model
}

export const grantCodec: PayloadCodec<TrainGrant> = {
  maxBytes: 64 * 1024,
  encode: (g) =>
    pb.TrainGrant.encode({
      weights: g.weights,
      step: g.step,
      model: g.model,
      corpus: g.corpus,
      offsets: g.offsets,
      microBatch: g.microBatch,
      seed: g.seed,
      local: g.local,
      block: g.block,
      lora: g.lora,
    }),
  decode(bytes) {
    const raw = decodeWithin('TrainGrant', this.maxBytes, bytes, (b) =>
      pb.TrainGrant.decode(b, { limits: { offsets: LIMITS.offsets } }),
    )
    const c = new Check('TrainGrant')
    const model = checkModel(c, raw.model)
    c.int('offsets', raw.offsets.length, 1, LIMITS.offsets)
    const microBatch = c.int('microBatch', raw.microBatch, 1, LIMITS.offsets)
    if (raw.offsets.length % microBatch !== 0)
      c.fail('offsets', `must be a multiple of microBatch (${microBatch})`)
    let local: LocalOptimizer | undefined
    if (raw.local != null) {
      const l = raw.local
      local = {
        steps: c.int('local.steps', l.steps, 1, LIMITS.localSteps),
        lr: c.finite('local.lr', l.lr, 0),
        beta1: c.finite('local.beta1', l.beta1, 0),
        beta2: c.finite('local.beta2', l.beta2, 0),
        eps: c.finite('local.eps', l.eps, 0),
        weightDecay: c.finite('local.weightDecay', l.weightDecay, 0),
      }
      if (local.beta1 >= 1 || local.beta2 >= 1) c.fail('local', 'betas must be below 1')
      if (local.steps * microBatch !== raw.offsets.length)
        c.fail('local.steps', 'must be offsets / microBatch')
    }
    let lora: TrainGrant['lora']
    if (raw.lora != null) {
      if (local != null) c.fail('lora', 'is not taken with local steps')
      lora = {
        base: c.sha256Hex('lora.base', raw.lora.base),
        rank: c.int('lora.rank', raw.lora.rank, 1, Math.min(model.width, 256)),
        alpha: c.finite('lora.alpha', raw.lora.alpha, 0),
      }
    }
    return {
      lora,
      weights: c.sha256Hex('weights', raw.weights),
      step: raw.step,
      model,
      corpus: c.sha256Hex('corpus', raw.corpus),
      offsets: raw.offsets,
      microBatch,
      seed: raw.seed,
      local,
      block: c.int('block', raw.block, 1, LIMITS.block),
    }
  },
}

export const resultCodec: PayloadCodec<TrainResult> = {
  maxBytes: LIMITS.parameters * 1.1 + 1024,
  encode: ({ loss, vector }) =>
    pb.TrainResult.encode({
      loss,
      length: vector.length,
      block: vector.block,
      scales: bytesOf(vector.scales),
      values: bytesOf(vector.values),
    }),
  decode(bytes) {
    const raw = decodeWithin('TrainResult', this.maxBytes, bytes, (b) => pb.TrainResult.decode(b))
    const c = new Check('TrainResult')
    const length = c.int('length', raw.length, 1, LIMITS.parameters)
    const block = c.int('block', raw.block, 1, LIMITS.block)
    const blocks = Math.ceil(length / block)
    const values = new Int8Array(length)
    new Uint8Array(values.buffer).set(c.bytes('values', raw.values, length))
    // NaN loss and scales decode as such: the kind's verify refuses them as non-finite, with strike.
    return { loss: raw.loss, vector: { length, block, scales: c.f32('scales', raw.scales, blocks), values } }
  },
}
