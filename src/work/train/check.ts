/**
 * The validator's checks of training shards, run on its worker threads (src/validator/worker-pool.ts):
 * recompute a shard on the CPU reference, and measure held-out loss. The reference's products run on
 * onnxruntime-node's GEMM (ten times gemmRef's loops; its f32 results agree with gemmRef's to ~1e-6,
 * far inside the tolerances of validator.ts). Weights and corpus arrive as shared memory, so only
 * the offsets and the answer cross.
 */

import { createOnnxEngine } from '../onnx-engine.ts'
import { createNodeOnnx } from '../onnx-node.ts'
import { engineMatmul, type Matmul } from './model.ref.ts'
import type { ModelConfig } from './model.ts'
import { meanLossRef, runShardRef, type ShardOutput, type ShardWork } from './shard-ref.ts'

let matmul: Matmul | undefined
const mm = () => {
  matmul ??= engineMatmul(createOnnxEngine(createNodeOnnx()))
  return matmul
}

/** `base` is the frozen model when the shard trains LoRA adapters (`weights`). */
export function recomputeShard(
  work: ShardWork,
  weights: Float32Array,
  corpus: Uint8Array,
  base?: Float32Array,
): Promise<ShardOutput> {
  return runShardRef(work, weights, corpus, mm(), base)
}

export function heldOutLoss(
  model: ModelConfig,
  weights: Float32Array,
  corpus: Uint8Array,
  offsets: number[],
  microBatch: number,
): Promise<number> {
  return meanLossRef(model, weights, corpus, offsets, microBatch, mm())
}
