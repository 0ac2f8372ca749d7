/**
 * Runs `infer` shards in the browser: the model comes from the model cache or, the first time, from
 * the validator over /tessera/blob/1 (hash-checked, with progress), then runs in ONNX Runtime Web on
 * the WebGPU EP (real GPUs) or the wasm EP (software adapters, no WebGPU). One session per model.
 */
import type { PeerId } from '@libp2p/interface'
import { type OrtProvider, ortSession } from '../gpu/ort/ort-runtime.ts'
import { createBlobDownload } from '../p2p/blob-protocol.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import type { NamedTensor } from '../protocol/types.ts'
import { hexToBytes } from '../wallet/hex.ts'
import type { InferRunner } from './contributor.ts'
import type { ModelCache } from './model-cache.ts'

export type ModelEvent =
  | { type: 'download'; model: string; received: number; total: number }
  | { type: 'cached'; model: string; evicted: string[] }

export interface BrowserInferOptions {
  node: TesseraNode
  cache: ModelCache
  provider: OrtProvider
  onModel?: (event: ModelEvent) => void
}

export function createBrowserInferRunner(options: BrowserInferOptions): InferRunner {
  const { node, cache, provider } = options
  const loading = new Map<string, Promise<Uint8Array>>()

  const load = (model: string, from: PeerId): Promise<Uint8Array> => {
    let pending = loading.get(model)
    if (pending == null) {
      pending = (async () => {
        const cached = await cache.get(model)
        if (cached != null) return cached
        const bytes = await createBlobDownload(node, from, hexToBytes(`0x${model}`)).run({
          onProgress: (p) => options.onModel?.({ type: 'download', model, ...p }),
        })
        const evicted = await cache.put(model, bytes)
        options.onModel?.({ type: 'cached', model, evicted })
        return bytes
      })()
      loading.set(model, pending)
      pending.catch(() => loading.delete(model))
    }
    return pending
  }

  return {
    async run(model, inputs, from) {
      const bytes = await load(model, from)
      const outputs = await ortSession(model, () => bytes, provider).run(inputs)
      return outputs as NamedTensor[]
    },
  }
}
