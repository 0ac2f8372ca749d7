/**
 * The page's side of the compute worker (compute-worker.ts): a ShardExecutor whose shards run in a
 * dedicated Web Worker. One worker per session: Stop terminates it, which ends every shard on it and
 * releases its GPU device at once.
 */

import { DeviceLostError } from '../gpu/errors.ts'
import type { EngineChoice } from '../gpu/select-engine.ts'
import { CACHE_PREFIX } from '../gpu/tuning-cache.ts'
import workerUrl from './compute-worker.ts?worker&url'
import { type ExecutorEngine, type RunContext, type ShardExecutor, sleep } from './executor.ts'
import {
  type FromWorker,
  fromWorkerError,
  kindKey,
  type ToWorker,
  toWorkerError,
  type WorkerError,
} from './worker-messages.ts'

/** The worker could not be started or died (a host page's CSP without `worker-src blob:`, …). */
export class ComputeWorkerError extends Error {
  static override name = 'ComputeWorkerError'
  override name = 'ComputeWorkerError'
}

export interface ComputeWorker extends ShardExecutor {
  /** Why this engine, in words for the UI. */
  readonly reason: string
  /** Settles when the worker's GPU device is lost or the worker dies. */
  readonly lost: Promise<Error>
  /** Ends the worker now: shards on it fail with an AbortError. */
  terminate(): void
}

export interface ComputeWorkerOptions {
  engine: EngineChoice
  /** False when the page has no WebGPU API: the worker then runs as a browser without it. */
  webgpu: boolean
}

interface Pending {
  resolve(payload: Uint8Array): void
  reject(err: Error): void
  context: RunContext
}

export async function startComputeWorker(options: ComputeWorkerOptions): Promise<ComputeWorker> {
  const worker = spawn()
  const send = (message: ToWorker) => worker.postMessage(message)
  const runs = new Map<number, Pending>()
  const sleepers = new Map<number, () => void>()
  let nextId = 0
  let engine: ExecutorEngine = { name: '', description: '' }
  let reason = ''
  let kinds = new Set<string>()
  let dead: Error | undefined
  const lost = Promise.withResolvers<Error>()
  const ready = Promise.withResolvers<void>()

  const die = (err: Error) => {
    if (dead != null) return
    dead = err
    worker.terminate()
    for (const run of runs.values()) run.reject(err)
    runs.clear()
    for (const wake of sleepers.values()) wake()
    sleepers.clear()
    ready.reject(err)
    lost.resolve(err)
  }

  worker.onerror = (event) => {
    event.preventDefault()
    die(new ComputeWorkerError(`Tessera's compute worker failed: ${event.message || 'it did not load'}`))
  }
  worker.onmessage = ({ data: message }: MessageEvent<FromWorker>) => {
    switch (message.type) {
      case 'ready':
        engine = message.engine
        reason = message.reason
        kinds = new Set(message.kinds)
        return ready.resolve()
      case 'init-failed':
        return ready.reject(fromWorker(message.error))
      case 'result': {
        engine = message.engine
        const run = runs.get(message.id)
        runs.delete(message.id)
        return run?.resolve(message.payload)
      }
      case 'failed': {
        const run = runs.get(message.id)
        runs.delete(message.id)
        return run?.reject(fromWorker(message.error))
      }
      case 'need-blob':
        return answerBlob(runs.get(message.run), message, send)
      case 'woke': {
        const wake = sleepers.get(message.id)
        sleepers.delete(message.id)
        return wake?.()
      }
      case 'lost':
        return lost.resolve(fromWorker(message.error))
      case 'remember':
        return remember(message.key, message.value)
    }
  }

  send({ type: 'init', engine: options.engine, webgpu: options.webgpu, tuning: tuningEntries() })
  try {
    await ready.promise
  } catch (err) {
    die(err as Error)
    throw err
  }

  return {
    get engine() {
      return engine
    },
    get reason() {
      return reason
    },
    lost: lost.promise,
    canRun: (kind) => kinds.has(kindKey(kind.name, kind.version)),
    run(kind, _input, payload, context) {
      if (dead != null) return Promise.reject(dead)
      const id = ++nextId
      const { promise, resolve, reject } = Promise.withResolvers<Uint8Array>()
      runs.set(id, { resolve, reject, context })
      send({ type: 'run', id, kind: kind.name, kindVersion: kind.version, payload })
      // One listener per shard on the session's signal: removed when the shard ends, or they pile up.
      const onAbort = () => send({ type: 'abort', id })
      context.signal.addEventListener('abort', onAbort, { once: true })
      return promise.finally(() => context.signal.removeEventListener('abort', onAbort))
    },
    sleep(ms, signal) {
      if (dead != null) return sleep(ms, signal)
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason)
        const id = ++nextId
        const onAbort = () => {
          sleepers.delete(id)
          reject(signal.reason)
        }
        sleepers.set(id, () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        })
        signal.addEventListener('abort', onAbort, { once: true })
        send({ type: 'sleep', id, ms })
      })
    },
    terminate: () => die(new DOMException('Tessera was stopped', 'AbortError')),
  }
}

/** The page fetches a blob a shard on the worker asks for (from its cache, else the validator). */
function answerBlob(
  run: Pending | undefined,
  message: Extract<FromWorker, { type: 'need-blob' }>,
  send: (message: ToWorker) => void,
): void {
  if (run == null) {
    send({ type: 'blob', id: message.id, error: { name: 'AbortError', message: 'shard ended' } })
    return
  }
  run.context.blob(message.sha256, message.options).then(
    (bytes) => send({ type: 'blob', id: message.id, bytes }),
    (err) => send({ type: 'blob', id: message.id, error: toWorkerError(err) }),
  )
}

/** What the worker may keep in the page's localStorage: its kernel tuning, a few short entries. */
const MAX_REMEMBERED_KEY = 512
const MAX_REMEMBERED_VALUE = 256

function remember(key: string, value: string): void {
  if (key.startsWith(CACHE_PREFIX) && key.length < MAX_REMEMBERED_KEY && value.length < MAX_REMEMBERED_VALUE)
    safely(() => localStorage.setItem(key, value))
}

/**
 * A worker's script must be on the page's origin, and the widget's code is on the validator's:
 * a one-line module on the page's origin (a blob) imports it (the validator serves code with CORS).
 */
function spawn(): Worker {
  const source = `import ${JSON.stringify(new URL(workerUrl, import.meta.url).href)}`
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))
  try {
    return new Worker(url, { type: 'module', name: 'tessera-compute' })
  } catch (err) {
    throw new ComputeWorkerError(
      `this page does not allow Tessera's compute worker: ${(err as Error).message}`,
    )
  } finally {
    // The worker has its own reference to the blob once constructed.
    setTimeout(() => URL.revokeObjectURL(url), 30_000)
  }
}

/** The worker's error as the page's code expects it: a lost device is still a DeviceLostError. */
function fromWorker(error: WorkerError): Error {
  if (error.name === 'DeviceLostError') {
    const lost = new DeviceLostError('lost', '')
    lost.message = error.message
    return lost
  }
  return fromWorkerError(error)
}

/** The autotuner's cached choices (one per adapter this browser has had). */
function tuningEntries(): Record<string, string> {
  const entries: Record<string, string> = {}
  safely(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)
      const value = key?.startsWith(CACHE_PREFIX) ? localStorage.getItem(key) : null
      if (key != null && value != null) entries[key] = value
    }
  })
  return entries
}

/** localStorage may be refused (private mode, quota): tuning is then redone next time. */
function safely(work: () => void): void {
  try {
    work()
  } catch {
    // nothing kept
  }
}
