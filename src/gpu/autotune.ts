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

export async function tuneGemm(
  rt: GpuRuntime,
  summary: AdapterSummary,
  size: { m: number; n: number; k: number } = { m: 64, n: 64, k: 256 },
  repeats = 3,
): Promise<TuneResult> {
  const key = `${CACHE_PREFIX}${adapterKey(summary)}`
  const saved = storage()?.getItem(key)
  const known = GEMM_VARIANTS.find((v) => variantKey(v) === saved)
  if (known != null && fitsDevice(rt, known)) return { variant: known, timings: {}, cached: true }

  const a = rt.tensor([size.m, size.k], new Float32Array(size.m * size.k).fill(0.5))
  const b = rt.tensor([size.k, size.n], new Float32Array(size.k * size.n).fill(0.25))
  const timings: Record<string, number> = {}
  let best: { variant: GemmVariant; ms: number } | undefined
  for (const variant of GEMM_VARIANTS.filter((v) => fitsDevice(rt, v))) {
    const runs: number[] = []
    for (let i = 0; i <= repeats; i++) {
      const t0 = performance.now()
      const c = gemm(rt, a, b, { variant })
      await rt.read(c)
      rt.release(c)
      // The first run compiles the pipeline: not timed.
      if (i > 0) runs.push(performance.now() - t0)
    }
    runs.sort((x, y) => x - y)
    const ms = runs[Math.floor(runs.length / 2)]
    timings[variantKey(variant)] = ms
    if (best == null || ms < best.ms) best = { variant, ms }
  }
  rt.release(a)
  rt.release(b)
  rt.flush()
  storage()?.setItem(key, variantKey(best!.variant))
  return { variant: best!.variant, timings, cached: false }
}
