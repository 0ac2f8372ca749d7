/**
 * The one module that owns ONNX Runtime Web in the page: it hands ORT its wasm runtime (a hashed
 * asset of the site, never a CDN, kept in Cache Storage so a second visit downloads nothing),
 * chooses threads, keeps one session per model and execution provider, and queues runs per session
 * (ORT fails parallel runs on one session). The WebGPU build of ORT also runs the wasm EP, so one
 * runtime serves both. Nothing here loads before a session is asked for.
 */

import { logger } from '@libp2p/logger'
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url'
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url'
import * as ort from 'onnxruntime-web/webgpu'
import { cachedAsset } from './asset-cache.ts'

export type OrtProvider = 'wasm' | 'webgpu'

/** A named tensor as ORT takes and gives it: f32, or i64 for integer inputs. */
export interface OrtTensor {
  name: string
  dtype: 'float32' | 'int64'
  shape: number[]
  data: Float32Array | BigInt64Array
}

const log = logger('tessera:ort')

let configured = false
let runtime: Promise<void> | undefined

function configure(): void {
  if (configured) return
  configured = true
  // Threads need SharedArrayBuffer, which only cross-origin-isolated pages get (the site sends COOP/COEP).
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, cores)) : 1
  // ORT's thread workers load its glue script; without this they would load the page chunk that
  // bundles ORT, UI code included (which fails in a worker).
  ort.env.wasm.wasmPaths = { mjs: new URL(mjsUrl, globalThis.location?.href).href }
}

/** The 27 MB runtime, fetched (or read from Cache Storage) when the first session needs it. */
function loadRuntime(): Promise<void> {
  configure()
  runtime ??= cachedAsset(new URL(wasmUrl, globalThis.location?.href).href).then((bytes) => {
    ort.env.wasm.wasmBinary = bytes
  })
  runtime.catch(() => {
    runtime = undefined
  })
  return runtime
}

interface Entry {
  session: Promise<ort.InferenceSession>
  queue: Promise<unknown>
}

const sessions = new Map<string, Entry>()

export interface OrtSession {
  run(inputs: OrtTensor[]): Promise<OrtTensor[]>
  release(): Promise<void>
}

export function ortSession(key: string, model: () => Uint8Array, provider: OrtProvider = 'wasm'): OrtSession {
  configure()
  const id = `${provider}:${key}`
  let entry = sessions.get(id)
  if (entry == null) {
    const created = loadRuntime().then(() =>
      ort.InferenceSession.create(model(), {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
      }),
    )
    entry = { session: created, queue: Promise.resolve() }
    sessions.set(id, entry)
    // A session that failed to load (a download cut short, a device lost while it compiled) is not
    // kept: the next shard of that model loads it again instead of failing until the page reloads.
    const mine = entry
    created.catch((err) => {
      log.error('loading ONNX model %s on %s failed: %e', key, provider, err)
      if (sessions.get(id) === mine) sessions.delete(id)
    })
  }
  const e = entry
  return {
    run(inputs) {
      const job = e.queue.then(async () => {
        const session = await e.session
        const feeds = Object.fromEntries(
          inputs.map((t) => [t.name, new ort.Tensor(t.dtype, t.data, t.shape)]),
        )
        const outputs = await session.run(feeds)
        const result: OrtTensor[] = []
        for (const [name, tensor] of Object.entries(outputs)) {
          const data = (await tensor.getData()) as Float32Array | BigInt64Array
          result.push({
            name,
            dtype: tensor.type === 'int64' ? 'int64' : 'float32',
            shape: [...tensor.dims],
            data,
          })
          tensor.dispose()
        }
        return result
      })
      e.queue = job.catch(() => {})
      return job
    },
    async release() {
      sessions.delete(id)
      await (await e.session).release()
    },
  }
}

/** Runs ONNX models on one execution provider: the `infer` kind's runtime in the page. */
export function createOrtRunner(provider: OrtProvider) {
  const models = new Map<string, Promise<Uint8Array>>()
  return {
    async run(model: string, load: () => Promise<Uint8Array>, inputs: OrtTensor[]): Promise<OrtTensor[]> {
      let bytes = models.get(model)
      if (bytes == null) {
        bytes = load()
        models.set(model, bytes)
        bytes.catch(() => models.delete(model))
      }
      const loaded = await bytes
      return ortSession(model, () => loaded, provider).run(inputs)
    },
  }
}

/** Wasm threads this page gets (for the engine description). */
export function wasmThreads(): number {
  configure()
  return ort.env.wasm.numThreads ?? 1
}
