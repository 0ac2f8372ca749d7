/**
 * Where a contributor's shards run. In Node and in tests, in the contributor's own thread on its
 * runtimes (`localExecutor`); in the page, in a dedicated compute worker (worker-executor.ts), so
 * shards never block the page and a background tab's timer throttling does not slow them.
 */
import type { AnyContributorKind, BlobOptions, Runtimes } from '../work/kind.ts'

export interface ExecutorEngine {
  /** Short id sent with lease requests and results, e.g. `webgpu` or `wasm`. */
  readonly name: string
  /** What the user sees; the automatic engine's changes when it switches. */
  readonly description: string
  /** Measured GEMM throughput (FLOP/s) when the engine timed itself: a first guess for leases. */
  readonly flopsPerSecond?: number
  /** The engine's own background work inside shards' time, ms in all (MatmulEngine.backgroundMs). */
  readonly backgroundMs?: number
}

export interface RunContext {
  blob(sha256: string, options?: BlobOptions): Promise<Uint8Array>
  signal: AbortSignal
}

export interface ShardExecutor {
  readonly engine: ExecutorEngine
  canRun(kind: AnyContributorKind): boolean
  /** Runs one shard: `input` is the decoded grant, `payload` its bytes; returns the encoded result. */
  run(kind: AnyContributorKind, input: unknown, payload: Uint8Array, context: RunContext): Promise<Uint8Array>
  /** Idle time (the throttle, back-offs), on timers that keep time where the shards run. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export function localExecutor(runtimes: Runtimes): ShardExecutor {
  return {
    engine: runtimes.engine,
    canRun: (kind) => kind.canRun(runtimes),
    async run(kind, input, _payload, context) {
      return kind.result.encode(await kind.execute(input, { ...runtimes, ...context }))
    },
    sleep,
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
