/**
 * The compute worker: a dedicated Web Worker that owns the engine (the WebGPU device, ONNX Runtime,
 * the WGSL kernels: WebGPU works in workers) and runs the shards the page's lanes lease. The page
 * (worker-executor.ts) sends grants and answers blob requests; the worker sends results back. Shards
 * then never block the page's rendering, and its timers keep time in a background tab.
 */

import { createOrtRunner } from '../gpu/ort/ort-runtime.ts'
import { createRuntime } from '../gpu/runtime.ts'
import { selectEngine } from '../gpu/select-engine.ts'
import { useTuningStorage } from '../gpu/tuning-cache.ts'
import { CONTRIBUTOR_KINDS } from '../work/contributor-kinds.ts'
import type { BlobOptions, Runtimes } from '../work/kind.ts'
import { createKindRegistry } from '../work/registry.ts'
import { createBlobMemo } from './blob-memo.ts'
import type { ExecutorEngine } from './executor.ts'
import { type FromWorker, fromWorkerError, kindKey, type ToWorker, toWorkerError } from './worker-messages.ts'

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null
  postMessage(message: FromWorker): void
}
const post = (message: FromWorker) => scope.postMessage(message)

const kinds = createKindRegistry(CONTRIBUTOR_KINDS)
let runtimes: Runtimes | undefined
const runs = new Map<number, AbortController>()
const memo = createBlobMemo()
const blobs = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (err: Error) => void }>()
let nextBlob = 0

const engineNow = (): ExecutorEngine => {
  const { name, description, flopsPerSecond, backgroundMs } = runtimes!.engine
  return {
    name,
    description,
    ...(flopsPerSecond != null ? { flopsPerSecond } : {}),
    ...(backgroundMs != null ? { backgroundMs } : {}),
  }
}

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case 'init':
      return void init(message)
    case 'run':
      return void run(message)
    case 'abort':
      return runs.get(message.id)?.abort()
    case 'blob': {
      const waiting = blobs.get(message.id)
      blobs.delete(message.id)
      if (message.bytes != null) waiting?.resolve(message.bytes)
      else waiting?.reject(fromWorkerError(message.error ?? { name: 'Error', message: 'no blob' }))
      return
    }
    case 'sleep':
      return void setTimeout(() => post({ type: 'woke', id: message.id }), message.ms)
  }
}

async function init(options: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  const tuning = new Map(Object.entries(options.tuning))
  useTuningStorage({
    getItem: (key) => tuning.get(key) ?? null,
    setItem: (key, value) => {
      tuning.set(key, value)
      post({ type: 'remember', key, value })
    },
  })
  try {
    const { engine, reason, gpu, lost } = await selectEngine(
      options.engine,
      options.webgpu ? globalThis.navigator : {},
    )
    // Models run on ORT's WebGPU EP when shards run on WebGPU, else on its wasm EP. Training runs
    // its WGSL model where the engine is WebGPU, else the CPU reference.
    runtimes = {
      engine,
      onnx: createOrtRunner(engine.name === 'webgpu' ? 'webgpu' : 'wasm'),
      gpu: gpu != null ? createRuntime(gpu) : undefined,
    }
    void lost?.then((error) => post({ type: 'lost', error: toWorkerError(error) }))
    const runnable = kinds.list().filter((kind) => kind.canRun(runtimes!))
    post({
      type: 'ready',
      engine: engineNow(),
      reason,
      kinds: runnable.map((kind) => kindKey(kind.name, kind.version)),
    })
  } catch (err) {
    post({ type: 'init-failed', error: toWorkerError(err) })
  }
}

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const controller = new AbortController()
  runs.set(message.id, controller)
  try {
    if (runtimes == null) throw new Error('the compute worker has no engine yet')
    const kind = kinds.get(message.kind, message.kindVersion)
    const output = await kind.execute(kind.grant.decode(message.payload), {
      ...runtimes,
      // Kept here once fetched (the page keeps none): a model or weight panel serves many shards.
      blob: (sha256, options) => memo.get(sha256, () => blob(message.id, sha256, options)),
      signal: controller.signal,
    })
    // Copied, not transferred: an encoder may return a view of a buffer it keeps.
    post({ type: 'result', id: message.id, payload: kind.result.encode(output), engine: engineNow() })
  } catch (err) {
    post({ type: 'failed', id: message.id, error: toWorkerError(err) })
  } finally {
    runs.delete(message.id)
  }
}

/** Asks the page for a blob of run `run`'s validator. */
function blob(run: number, sha256: string, options?: BlobOptions): Promise<Uint8Array> {
  const id = ++nextBlob
  const { promise, resolve, reject } = Promise.withResolvers<Uint8Array>()
  blobs.set(id, { resolve, reject })
  post({ type: 'need-blob', id, run, sha256, ...(options != null ? { options } : {}) })
  return promise
}
