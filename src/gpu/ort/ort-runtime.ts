/**
 * The one module that owns ONNX Runtime Web in the page: it points ORT at the wasm files the site
 * serves (/ort/, never a CDN), chooses threads, keeps one session per model key, and queues runs per
 * session (ORT fails parallel runs on one session).
 */
import * as ort from 'onnxruntime-web/wasm'

export type OrtProvider = 'wasm'

let configured = false

function configure(): void {
  if (configured) return
  configured = true
  ort.env.wasm.wasmPaths = new URL('/ort/', globalThis.location?.href ?? 'http://localhost/').href
  // Threads need SharedArrayBuffer, which only cross-origin-isolated pages get (the site sends COOP/COEP).
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, cores)) : 1
}

interface Entry {
  session: Promise<ort.InferenceSession>
  queue: Promise<unknown>
}

const sessions = new Map<string, Entry>()

export interface OrtSession {
  run(feeds: Record<string, { dims: number[]; data: Float32Array }>): Promise<Record<string, Float32Array>>
  release(): Promise<void>
}

export function ortSession(key: string, model: () => Uint8Array, provider: OrtProvider = 'wasm'): OrtSession {
  configure()
  const id = `${provider}:${key}`
  let entry = sessions.get(id)
  if (entry == null) {
    entry = {
      session: ort.InferenceSession.create(model(), {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
      }),
      queue: Promise.resolve(),
    }
    sessions.set(id, entry)
  }
  const e = entry
  return {
    run(feeds) {
      const job = e.queue.then(async () => {
        const session = await e.session
        const inputs = Object.fromEntries(
          Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor('float32', t.data, t.dims)]),
        )
        const outputs = await session.run(inputs)
        const result: Record<string, Float32Array> = {}
        for (const [name, tensor] of Object.entries(outputs)) {
          result[name] = tensor.data as Float32Array
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

/** Whether this page can use wasm threads (for the engine description). */
export function wasmThreads(): number {
  configure()
  return ort.env.wasm.numThreads ?? 1
}
