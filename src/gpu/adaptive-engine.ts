/**
 * The automatic engine: two engines compared on the shards the validator actually grants, end to end
 * (upload, compute, read back), and the faster one kept. The first engine starts at once; the
 * second is created only when its trial comes, after `warmupShards` shards of the first, so it never
 * delays the first shard. A trial runs a slice of a granted shard on the second engine (its first
 * sixteenth of rows: the same n and k) and the rest on the first, so a slower engine costs a fraction
 * of two shards, not minutes; the second trial (past the engine's own warm-up: pipelines, shader
 * compilation) is the one compared.
 */
import type { MatmulEngine } from './engine.ts'

export interface AdaptiveEngineOptions {
  first: MatmulEngine
  /** Created when its trial comes; a failure leaves the first engine in charge. */
  second: () => Promise<MatmulEngine>
  /** Shards the first engine runs before the second is tried. */
  warmupShards?: number
  /** The second must beat the first by this factor to take over (measurement noise). */
  margin?: number
  onChoice?: (choice: EngineChoiceReport) => void
}

export interface EngineChoiceReport {
  chosen: string
  /** GFLOP/s per engine on granted shards, median of the latest. */
  rates: Record<string, number>
  /** Why the second engine could not be tried. */
  error?: string
}

export interface AdaptiveEngine extends MatmulEngine {
  /** The latest comparison, once both engines ran. */
  readonly report: EngineChoiceReport | undefined
}

const RECENT = 5
const TRIAL_SHARDS = 2

export function createAdaptiveEngine(options: AdaptiveEngineOptions): AdaptiveEngine {
  const warmup = options.warmupShards ?? 8
  const margin = options.margin ?? 1.1
  const first = options.first
  let second: MatmulEngine | undefined
  let current = first
  let calls = 0
  let trial: 'pending' | 'loading' | 'running' | 'done' = 'pending'
  let trialShards = 0
  let firstBefore = 0
  let report: EngineChoiceReport | undefined
  const rates = new Map<MatmulEngine, number[]>()

  const record = (engine: MatmulEngine, flops: number, ms: number) => {
    const list = rates.get(engine) ?? []
    list.push(flops / Math.max(ms, 0.01) / 1e6)
    if (list.length > RECENT) list.shift()
    rates.set(engine, list)
  }
  const median = (engine: MatmulEngine) => {
    const list = [...(rates.get(engine) ?? [])].sort((a, b) => a - b)
    return list.length === 0 ? 0 : list[list.length >> 1]
  }
  const decide = () => {
    if (second == null) return
    // (A one-row shard leaves the first engine no rows of its own in the trial.)
    const [a, b] = [median(first) || firstBefore, rates.get(second)!.at(-1)!]
    current = b > a * margin ? second : first
    report = { chosen: current.name, rates: { [first.name]: a, [second.name]: b } }
    options.onChoice?.(report)
  }
  /** Rows [0, slice) on the second engine, the rest on the first: one correct C, two rates. */
  const trialShard = async (
    engine: MatmulEngine,
    a: Float32Array,
    b: Float32Array,
    m: number,
    n: number,
    k: number,
  ): Promise<Float32Array> => {
    const slice = Math.max(1, Math.ceil(m / 16))
    let started = performance.now()
    const top = await engine.matmul(a.subarray(0, slice * k), b, slice, n, k)
    record(engine, 2 * slice * n * k, performance.now() - started)
    const c = new Float32Array(m * n)
    c.set(top.subarray(0, slice * n))
    if (slice < m) {
      started = performance.now()
      const rest = await first.matmul(a.subarray(slice * k), b, m - slice, n, k)
      record(first, 2 * (m - slice) * n * k, performance.now() - started)
      c.set(rest.subarray(0, (m - slice) * n), slice * n)
    }
    if (++trialShards === TRIAL_SHARDS) {
      trial = 'done'
      decide()
    }
    return c
  }
  const startTrial = () => {
    trial = 'loading'
    options.second().then(
      (engine) => {
        second = engine
        // The first engine's figures so far were taken while the second was being created (an
        // autotuner on a software adapter shares the CPU): compare on the trial shards only.
        firstBefore = median(first)
        rates.set(first, [])
        trial = 'running'
      },
      (err: Error) => {
        trial = 'done'
        report = { chosen: first.name, rates: { [first.name]: median(first) }, error: err.message }
        options.onChoice?.(report)
      },
    )
  }

  return {
    get name() {
      return current.name
    },
    get description() {
      return current.description
    },
    get flopsPerSecond() {
      return first.flopsPerSecond
    },
    get backgroundMs() {
      return (first.backgroundMs ?? 0) + (second?.backgroundMs ?? 0)
    },
    get report() {
      return report
    },
    async matmul(a, b, m, n, k) {
      calls++
      if (trial === 'pending' && calls > warmup) startTrial()
      if (trial === 'running' && second != null) return trialShard(second, a, b, m, n, k)
      const engine = current
      const started = performance.now()
      const c = await engine.matmul(a, b, m, n, k)
      record(engine, 2 * m * n * k, performance.now() - started)
      return c
    },
    destroy() {
      first.destroy()
      second?.destroy()
    },
  }
}
