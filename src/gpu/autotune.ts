/**
 * Picks the fastest GEMM variant for this adapter by timing each candidate on a shard-sized problem,
 * once per adapter; the choice is cached (localStorage in the browser) under the adapter's identity.
 * The best kernel differs by adapter: on SwiftShader the register-blocked kernel without workgroup
 * memory wins, on discrete GPUs the workgroup-tiled one does.
 */
import type { AdapterSummary } from './device.ts'
import { fitsDevice, GEMM_VARIANTS, type GemmVariant, gemm, variantKey } from './kernels/gemm.ts'
import type { GpuRuntime } from './runtime.ts'
import { CACHE_PREFIX, tuningStorage as storage } from './tuning-cache.ts'

export interface TuneResult {
  variant: GemmVariant
  /** Median ms per candidate, by variant key. */
  timings: Record<string, number>
  cached: boolean
}

export function adapterKey(summary: AdapterSummary): string {
  return [summary.vendor, summary.architecture, summary.device, summary.description].join('|')
}

/**
 * The tuner, one candidate at a time: `step()` times the next variant (its first run compiles the
 * pipeline and is not timed) and says whether any is left, so a caller can tune between shards and
 * never share the device with one. The choice is saved once every candidate was timed.
 */
export interface GemmTuner {
  /** The cached choice, or the best so far (the first candidate before any was timed). */
  readonly variant: GemmVariant
  readonly done: boolean
  /** Times the next candidate; false once none is left. */
  step(): Promise<boolean>
  result(): TuneResult
}

export function createGemmTuner(
  rt: GpuRuntime,
  summary: AdapterSummary,
  size: { m: number; n: number; k: number } = { m: 64, n: 64, k: 256 },
  repeats = 3,
): GemmTuner {
  const key = `${CACHE_PREFIX}${adapterKey(summary)}`
  const saved = storage()?.getItem(key)
  const known = GEMM_VARIANTS.find((v) => variantKey(v) === saved)
  const candidates = GEMM_VARIANTS.filter((v) => fitsDevice(rt, v))
  if (known != null && fitsDevice(rt, known)) {
    return {
      variant: known,
      done: true,
      step: async () => false,
      result: () => ({ variant: known, timings: {}, cached: true }),
    }
  }
  const timings: Record<string, number> = {}
  let best: { variant: GemmVariant; ms: number } | undefined
  let next = 0
  return {
    get variant() {
      return best?.variant ?? candidates[0]
    },
    get done() {
      return next >= candidates.length
    },
    async step() {
      if (next >= candidates.length) return false
      const variant = candidates[next++]
      const a = rt.tensor([size.m, size.k], new Float32Array(size.m * size.k).fill(0.5))
      const b = rt.tensor([size.k, size.n], new Float32Array(size.k * size.n).fill(0.25))
      const runs: number[] = []
      try {
        for (let i = 0; i <= repeats; i++) {
          const t0 = performance.now()
          const c = gemm(rt, a, b, { variant })
          await rt.read(c)
          rt.release(c)
          if (i > 0) runs.push(performance.now() - t0)
        }
      } finally {
        rt.release(a)
        rt.release(b)
        rt.flush()
      }
      runs.sort((x, y) => x - y)
      const ms = runs[Math.floor(runs.length / 2)]
      timings[variantKey(variant)] = ms
      if (best == null || ms < best.ms) best = { variant, ms }
      if (next >= candidates.length) storage()?.setItem(key, variantKey(best.variant))
      return next < candidates.length
    },
    result: () => ({ variant: best?.variant ?? candidates[0], timings, cached: false }),
  }
}

/** Every candidate timed now, one after another (benchmarks, tests): the tuner run to its end. */
export async function tuneGemm(
  rt: GpuRuntime,
  summary: AdapterSummary,
  size?: { m: number; n: number; k: number },
  repeats?: number,
): Promise<TuneResult> {
  const tuner = createGemmTuner(rt, summary, size, repeats)
  while (await tuner.step()) {}
  return tuner.result()
}
