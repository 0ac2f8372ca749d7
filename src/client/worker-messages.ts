/**
 * The messages between the page and its compute worker (compute-worker.ts, worker-executor.ts).
 * The worker holds the engine (WebGPU device, ONNX Runtime, WGSL kernels) and runs shards; the page
 * keeps the libp2p node (WebRTC exists only on the page), the lanes and the UI. Everything here is
 * structured-cloneable plain data; errors travel as their class name and message.
 */
import type { EngineChoice } from '../gpu/select-engine.ts'
import type { BlobOptions } from '../work/kind.ts'
import type { ExecutorEngine } from './executor.ts'

export interface WorkerError {
  name: string
  message: string
}

export type ToWorker =
  /**
   * Choose the engine. `webgpu: false`: act as a browser without the WebGPU API (the page has none).
   * `tuning`: the autotuner's cached choices from the page's localStorage.
   */
  | { type: 'init'; engine: EngineChoice; webgpu: boolean; tuning: Record<string, string> }
  /** Run one shard: the grant's payload, decoded by the kind in the worker. */
  | { type: 'run'; id: number; kind: string; kindVersion: number; payload: Uint8Array }
  | { type: 'abort'; id: number }
  /** The answer to a `need-blob`. */
  | { type: 'blob'; id: number; bytes?: Uint8Array; error?: WorkerError }
  /** Answered by `woke` after `ms`: worker timers are not throttled in a background tab. */
  | { type: 'sleep'; id: number; ms: number }

export type FromWorker =
  | { type: 'ready'; engine: ExecutorEngine; reason: string; kinds: string[] }
  | { type: 'init-failed'; error: WorkerError }
  /** `engine`: as it is now (the automatic engine may have switched). */
  | { type: 'result'; id: number; payload: Uint8Array; engine: ExecutorEngine }
  | { type: 'failed'; id: number; error: WorkerError }
  /** A shard needs a blob (model, weights): the page fetches it from its cache or the validator. */
  | { type: 'need-blob'; id: number; run: number; sha256: string; options?: BlobOptions }
  | { type: 'woke'; id: number }
  /** The GPU device went away (driver reset, GPU removed). */
  | { type: 'lost'; error: WorkerError }
  /** The GEMM autotuner's choice for this adapter: the page keeps it (localStorage) for next time. */
  | { type: 'remember'; key: string; value: string }

/** How a kind is named in `ready`'s list. */
export const kindKey = (name: string, version: number) => `${name}@${version}`

export function toWorkerError(err: unknown): WorkerError {
  return err instanceof Error
    ? { name: err.name, message: err.message }
    : { name: 'Error', message: String(err) }
}

export function fromWorkerError(error: WorkerError): Error {
  return Object.assign(new Error(error.message), { name: error.name })
}
