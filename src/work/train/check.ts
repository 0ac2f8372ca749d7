/**
 * The validator's checks of training shards, run on its worker threads (src/validator/worker-pool.ts):
 * recompute a shard on the CPU reference, and measure held-out loss. Weights and corpus arrive as
 * shared memory, so only the offsets and the answer cross.
 */
import type { ModelConfig } from './model.ts'
import { meanLossRef, runShardRef, type ShardOutput, type ShardWork } from './shard-ref.ts'

export function recomputeShard(work: ShardWork, weights: Float32Array, corpus: Uint8Array): ShardOutput {
  return runShardRef(work, weights, corpus)
}

export function heldOutLoss(
  model: ModelConfig,
  weights: Float32Array,
  corpus: Uint8Array,
  offsets: number[],
  microBatch: number,
): number {
  return meanLossRef(model, weights, corpus, offsets, microBatch)
}
