/**
 * The run's model versions: each step's trained weights published as a blob (the weights file a
 * contributor fetches by the sha256 its grant names), the last `keep` of them served and the older
 * ones removed. Weights live in shared memory, so verification threads read them without a copy.
 */
import type { BlobRegistry } from '../kind.ts'
import { encodeWeights, type NamedArray } from './checkpoint.ts'
import { type ParameterSpec, view } from './model.ts'

export interface Version {
  step: number
  sha: string
  weights: Float32Array
}

export interface VersionStore {
  publish(step: number, weights: Float32Array): Version
  get(step: number): Version | undefined
  has(step: number): boolean
}

export interface VersionStoreOptions {
  blobs: BlobRegistry
  /** What the weights hold (the model's parameters, or LoRA adapters). */
  layout: { params: ParameterSpec[] }
  /** What each weights file says of itself besides its step. */
  meta: Record<string, unknown>
  /** Versions kept (served) at once: results may be computed on any of them. */
  keep: number
}

/** A copy in shared memory, so worker threads read it without a copy of their own. */
export function shared<T extends Float32Array | Uint8Array>(data: T): T {
  const Ctor = data.constructor as { new (b: SharedArrayBuffer): T }
  const out = new Ctor(new SharedArrayBuffer(data.byteLength))
  out.set(data as never)
  return out
}

export function createVersionStore(options: VersionStoreOptions): VersionStore {
  const versions = new Map<number, Version>()
  return {
    publish(step, current) {
      const weights = shared(current)
      const tensors: NamedArray[] = options.layout.params.map((p) => ({
        name: p.name,
        shape: p.shape,
        data: view(weights, p),
      }))
      const sha = options.blobs.addBytes(encodeWeights({ meta: { ...options.meta, step }, tensors }))
      const version = { step, sha, weights }
      versions.set(step, version)
      for (const [old, v] of versions) {
        if (old > step - options.keep) continue
        versions.delete(old)
        options.blobs.remove(v.sha)
      }
      return version
    },
    get: (step) => versions.get(step),
    has: (step) => versions.has(step),
  }
}
