/**
 * The contributor half of `train`: fetch the version's weights and the corpus (each once, cached by
 * hash), run the shard's micro-batches on the WGSL model when the page has a WebGPU device, and
 * otherwise on the CPU reference with its matrix products on the contributor's engine (the wasm
 * GEMM in a page); return the mean gradient or, for a low-communication shard, the weight change
 * after its local AdamW steps, int8-compressed.
 */
import type { GpuRuntime } from '../../gpu/runtime.ts'
import type { ContributorKind, ExecuteContext } from '../kind.ts'
import { flatTensors, flatWeights } from './checkpoint.ts'
import type { TrainGrant, TrainResult } from './codec.ts'
import { compressInt8 } from './compress.ts'
import { train } from './index.ts'
import { adapterGradient, loraLayout, mergeAdapters } from './lora.ts'
import type { GpuModel } from './model.gpu.ts'
import { engineMatmul } from './model.ref.ts'
import type { ModelConfig } from './model.ts'
import { microBatches, runShardRef } from './shard-ref.ts'

const gpuModels = new WeakMap<GpuRuntime, { key: string; model: GpuModel }>()

/** A blob decoded once: consecutive shards share a version (and a fine-tuning run its base). */
function memo<T>(): (sha: string, decode: () => Promise<T>) => Promise<T> {
  let last: { sha: string; value: Promise<T> } | undefined
  return (sha, decode) => {
    if (last?.sha !== sha) {
      const value = decode()
      last = { sha, value }
      value.catch(() => {
        if (last?.value === value) last = undefined
      })
    }
    return last.value
  }
}
const versions = memo<Float32Array>()
const bases = memo<Float32Array>()
/** Base + adapters of a fine-tuning version, as the GPU runs it: merged once per version. */
const merges = memo<Float32Array>()

async function weightsOf(grant: TrainGrant, context: ExecuteContext): Promise<Float32Array> {
  return versions(grant.weights, async () => {
    // A version serves a few shards and is replaced: kept in memory, not in the page's model cache.
    const bytes = await context.blob(grant.weights, { persist: false })
    if (grant.lora == null) return flatWeights(bytes, grant.model)
    const layout = loraLayout(grant.model, grant.lora)
    return flatTensors(bytes, layout.params, layout.size)
  })
}

function baseOf(grant: TrainGrant, context: ExecuteContext): Promise<Float32Array> | undefined {
  const lora = grant.lora
  if (lora == null) return undefined
  return bases(lora.base, async () => flatWeights(await context.blob(lora.base), grant.model))
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
    const [weights, corpus, base] = await Promise.all([
      weightsOf(grant, context),
      context.blob(grant.corpus),
      baseOf(grant, context),
    ])
    if (context.gpu == null) {
      context.signal.throwIfAborted()
      const out = await runShardRef(grant, weights, corpus, engineMatmul(context.engine), base)
      return { loss: out.loss, vector: compressInt8(out.vector, grant.block) }
    }
    const gpu = await gpuModel(context.gpu, grant.model)
    // Fine-tuning: the GPU runs the merged model; the adapters' gradient is projected on the CPU.
    const lora = grant.lora
    const merged =
      lora != null && base != null
        ? await merges(grant.weights, async () => mergeAdapters(grant.model, lora, base, weights))
        : weights
    gpu.load(grant.weights, merged)
    const batches = microBatches(grant, corpus)
    let loss = 0
    let vector: Float32Array
    if (grant.local == null) {
      vector = new Float32Array(merged.length)
      for (const batch of batches) {
        context.signal.throwIfAborted()
        const r = await gpu.lossAndGradient(batch)
        loss += r.loss / batches.length
        for (let i = 0; i < vector.length; i++) vector[i] += r.gradient[i] / batches.length
      }
      if (lora != null) vector = adapterGradient(grant.model, lora, weights, vector)
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
