/**
 * The contributor half of `train`: fetch the version's weights and the corpus (each once, cached by
 * hash), run the shard's micro-batches on the WGSL model when the page has a WebGPU device and on
 * the CPU reference otherwise, and return the mean gradient or, for a low-communication shard, the
 * weight change after its local AdamW steps, int8-compressed.
 */
import type { GpuRuntime } from '../../gpu/runtime.ts'
import type { ContributorKind, ExecuteContext } from '../kind.ts'
import { flatWeights } from './checkpoint.ts'
import type { TrainGrant, TrainResult } from './codec.ts'
import { compressInt8 } from './compress.ts'
import { train } from './index.ts'
import type { GpuModel } from './model.gpu.ts'
import type { ModelConfig } from './model.ts'
import { microBatches, runShardRef } from './shard-ref.ts'

/** The last weights decoded: consecutive shards mostly share a version. */
let lastWeights: { sha: string; weights: Float32Array } | undefined
const gpuModels = new WeakMap<GpuRuntime, { key: string; model: GpuModel }>()

async function weightsOf(grant: TrainGrant, context: ExecuteContext): Promise<Float32Array> {
  if (lastWeights?.sha !== grant.weights) {
    lastWeights = { sha: grant.weights, weights: flatWeights(await context.blob(grant.weights), grant.model) }
  }
  return lastWeights.weights
}

/** Loaded only where there is a GPU: the kernels' host code needs WebGPU and Vite's ?raw imports. */
async function gpuModel(rt: GpuRuntime, model: ModelConfig): Promise<GpuModel> {
  const key = JSON.stringify(model)
  let entry = gpuModels.get(rt)
  if (entry?.key !== key) {
    entry?.model.destroy()
    const { createGpuModel } = await import('./model.gpu.ts')
    entry = { key, model: createGpuModel(rt, model) }
    gpuModels.set(rt, entry)
  }
  return entry.model
}

export const trainContributor: ContributorKind<TrainGrant, TrainResult> = {
  ...train,
  canRun: () => true,
  async execute(grant, context) {
    const [weights, corpus] = await Promise.all([weightsOf(grant, context), context.blob(grant.corpus)])
    if (context.gpu == null) {
      context.signal.throwIfAborted()
      const out = runShardRef(grant, weights, corpus)
      return { loss: out.loss, vector: compressInt8(out.vector, grant.block) }
    }
    const gpu = await gpuModel(context.gpu, grant.model)
    gpu.load(grant.weights, weights)
    const batches = microBatches(grant, corpus)
    let loss = 0
    let vector: Float32Array
    if (grant.local == null) {
      vector = new Float32Array(weights.length)
      for (const batch of batches) {
        context.signal.throwIfAborted()
        const r = await gpu.lossAndGradient(batch)
        loss += r.loss / batches.length
        for (let i = 0; i < vector.length; i++) vector[i] += r.gradient[i] / batches.length
      }
    } else {
      const local = grant.local
      for (const [i, batch] of batches.entries()) {
        context.signal.throwIfAborted()
        loss += (await gpu.trainStep(batch, { ...local, step: i + 1 })) / batches.length
      }
      vector = await gpu.readWeights()
      for (let i = 0; i < vector.length; i++) vector[i] -= weights[i]
    }
    return { loss, vector: compressInt8(vector, grant.block) }
  },
}
