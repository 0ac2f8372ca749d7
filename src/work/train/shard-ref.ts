/**
 * A training shard on the CPU reference: what a Node contributor runs and what the validator
 * recomputes to verify a contributor's result (check.ts). The WGSL path in contributor.ts computes the
 * same; model.browser.test.ts holds the two together.
 */
import { adamwRef } from '../../gpu/kernels/adamw.ref.ts'
import type { LocalOptimizer } from './codec.ts'
import { batchAt } from './corpus.ts'
import { type Batch, lossAndGradientRef, lossRef } from './model.ref.ts'
import type { ModelConfig } from './model.ts'

export interface ShardWork {
  model: ModelConfig
  offsets: readonly number[]
  microBatch: number
  local?: LocalOptimizer
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

export function runShardRef(work: ShardWork, weights: Float32Array, corpus: Uint8Array): ShardOutput {
  const batches = microBatches(work, corpus)
  let loss = 0
  if (work.local == null) {
    const vector = new Float32Array(weights.length)
    for (const batch of batches) {
      const r = lossAndGradientRef(work.model, weights, batch)
      loss += r.loss / batches.length
      for (let i = 0; i < vector.length; i++) vector[i] += r.gradient[i] / batches.length
    }
    return { loss, vector }
  }
  const w = weights.slice()
  const m = new Float32Array(w.length)
  const v = new Float32Array(w.length)
  for (const [i, batch] of batches.entries()) {
    const r = lossAndGradientRef(work.model, w, batch)
    loss += r.loss / batches.length
    adamwRef(w, r.gradient, m, v, { ...work.local, step: i + 1 })
  }
  for (let i = 0; i < w.length; i++) w[i] -= weights[i]
  return { loss, vector: w }
}

/** Mean loss over sequences at `offsets`, in micro-batches (held-out evaluation). */
export function meanLossRef(
  model: ModelConfig,
  weights: Float32Array,
  corpus: Uint8Array,
  offsets: readonly number[],
  microBatch: number,
): number {
  const batches = microBatches({ model, offsets, microBatch }, corpus)
  return batches.reduce((s, b) => s + lossRef(model, weights, b), 0) / batches.length
}
