/**
 * A training shard on the CPU reference: what a contributor without a usable GPU runs (its products
 * on its engine) and what the validator recomputes to verify a result (check.ts, gemmRef). The WGSL
 * path in contributor.ts computes the same; model.browser.test.ts holds the two together.
 */
import { adamwRef } from '../../gpu/kernels/adamw.ref.ts'
import type { LocalOptimizer } from './codec.ts'
import { batchAt } from './corpus.ts'
import { adapterGradient, type LoraConfig, mergeAdapters } from './lora.ts'
import { type Batch, lossAndGradientRef, lossRef, type Matmul, refMatmul } from './model.ref.ts'
import type { ModelConfig } from './model.ts'

export interface ShardWork {
  model: ModelConfig
  offsets: readonly number[]
  microBatch: number
  local?: LocalOptimizer
  lora?: LoraConfig
}

export interface ShardOutput {
  /** Mean loss over the micro-batches, each before its local step. */
  loss: number
  /** Mean gradient, or the weight change after the local steps. */
  vector: Float32Array
}

export function microBatches(work: ShardWork, corpus: Uint8Array): Batch[] {
  const out: Batch[] = []
  for (let i = 0; i < work.offsets.length; i += work.microBatch) {
    out.push(batchAt(corpus, work.offsets.slice(i, i + work.microBatch), work.model.context))
  }
  return out
}

/** The shard on the CPU, its products on `mm` (gemmRef unless a contributor's engine is given). */
export async function runShardRef(
  work: ShardWork,
  weights: Float32Array,
  corpus: Uint8Array,
  mm: Matmul = refMatmul,
  /** The frozen base when `work.lora` is set; `weights` are then the adapters. */
  base?: Float32Array,
): Promise<ShardOutput> {
  if (work.lora != null) {
    if (base == null) throw new RangeError('a LoRA shard needs its base model')
    const merged = mergeAdapters(work.model, work.lora, base, weights)
    const full = await runShardRef({ ...work, lora: undefined }, merged, corpus, mm)
    return { loss: full.loss, vector: adapterGradient(work.model, work.lora, weights, full.vector) }
  }
  const batches = microBatches(work, corpus)
  let loss = 0
  if (work.local == null) {
    const vector = new Float32Array(weights.length)
    for (const batch of batches) {
      const r = await lossAndGradientRef(work.model, weights, batch, mm)
      loss += r.loss / batches.length
      for (let i = 0; i < vector.length; i++) vector[i] += r.gradient[i] / batches.length
    }
    return { loss, vector }
  }
  const w = weights.slice()
  const m = new Float32Array(w.length)
  const v = new Float32Array(w.length)
  for (const [i, batch] of batches.entries()) {
    const r = await lossAndGradientRef(work.model, w, batch, mm)
    loss += r.loss / batches.length
    adamwRef(w, r.gradient, m, v, { ...work.local, step: i + 1 })
  }
  for (let i = 0; i < w.length; i++) w[i] -= weights[i]
  return { loss, vector: w }
}

/** Mean loss over sequences at `offsets`, in micro-batches (held-out evaluation). */
export async function meanLossRef(
  model: ModelConfig,
  weights: Float32Array,
  corpus: Uint8Array,
  offsets: readonly number[],
  microBatch: number,
  mm: Matmul = refMatmul,
): Promise<number> {
  let sum = 0
  const batches = microBatches({ model, offsets, microBatch }, corpus)
  for (const b of batches) sum += await lossRef(model, weights, b, mm)
  return sum / batches.length
}
