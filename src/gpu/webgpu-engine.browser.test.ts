/**
 * The WebGPU engine is ready before it is tuned: shards run at once on a default variant while the
 * GEMM variants are timed one per gap between shards, and every product is right whichever variant
 * computed it.
 */
import { describe, expect, it } from 'vitest'
import { adapterKey } from './autotune.ts'
import { acquireGpu } from './device.ts'
import { gemmRef } from './kernels/gemm.ref.ts'
import { GEMM_VARIANTS } from './kernels/gemm.ts'
import { CACHE_PREFIX } from './tuning-cache.ts'
import { createWebGpuEngine } from './webgpu-engine.ts'

describe('WebGPU engine tuning in the background', () => {
  it('runs the first shard untuned, tunes one variant per gap between shards, then keeps the best', async () => {
    const gpu = await acquireGpu()
    const key = `${CACHE_PREFIX}${adapterKey(gpu.summary)}`
    localStorage.removeItem(key)
    const engine = await createWebGpuEngine(gpu)
    expect(engine.description).toMatch(/\(tuning\)$/)
    const [m, n, k] = [24, 40, 56]
    const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 13) / 13)
    const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) / 11)
    const want = gemmRef(a, b, m, n, k)
    let shards = 0
    while (engine.description.endsWith('(tuning)') && shards < 2 * GEMM_VARIANTS.length) {
      const c = await engine.matmul(a, b, m, n, k)
      shards++
      for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(want[i], 3)
      // No choice is saved until every candidate was timed.
      if (engine.description.endsWith('(tuning)')) expect(localStorage.getItem(key)).toBeNull()
    }
    // Shards asked for at once waited for the tuning step in the gap: counted apart from their compute.
    expect(engine.backgroundMs).toBeGreaterThan(0)
    // One candidate per gap: as many shards as candidates that fit, and the first ran before any.
    expect(shards).toBeGreaterThan(1)
    expect(shards).toBeLessThanOrEqual(GEMM_VARIANTS.length + 1)
    await engine.matmul(a, b, m, n, k)
    expect(localStorage.getItem(key)).not.toBeNull()
    expect(engine.description).toContain(localStorage.getItem(key))
    engine.destroy()
  })
})
