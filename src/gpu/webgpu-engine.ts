/**
 * The WebGPU MatmulEngine: Tessera's own WGSL GEMM, in the variant tuned for this adapter. It is
 * ready at once: before the adapter's choice is known (cached from an earlier visit) shards run on a
 * default variant while the tuner times one candidate between shards — after a shard's result is
 * read back and before the next shard starts — so tuning never shares the device with a shard and
 * never delays the first.
 */
import { createGemmTuner } from './autotune.ts'
import type { GpuContext } from './device.ts'
import type { MatmulEngine } from './engine.ts'
import type { DeviceLostError } from './errors.ts'
import { type GemmVariant, gemm, variantKey } from './kernels/gemm.ts'
import { createRuntime } from './runtime.ts'

export interface WebGpuEngineOptions {
  /** Skip tuning and use this variant (tests, benchmarks). */
  variant?: GemmVariant
  /**
   * `background` (the default): ready at once, tuned between shards. `first`: tuned before it is
   * returned — for an engine on trial beside another (adaptive-engine.ts), whose measured rate must
   * be the tuned kernel's and whose tuning must not run beside the other engine's shards.
   */
  tune?: 'background' | 'first'
}

export async function createWebGpuEngine(
  gpu: GpuContext,
  options: WebGpuEngineOptions = {},
): Promise<MatmulEngine> {
  const rt = createRuntime(gpu)
  let lostError: DeviceLostError | undefined
  void gpu.lost.then((err) => {
    lostError = err
  })
  const tuner = options.variant == null ? createGemmTuner(rt, gpu.summary) : undefined
  if (options.tune === 'first' && tuner != null) while (await tuner.step()) {}
  let variant = options.variant ?? tuner!.variant
  /** The tuner's step after the last shard: the next shard waits for it. */
  let tuning: Promise<unknown> = Promise.resolve()
  let backgroundMs = 0
  const tuneBetweenShards = () => {
    if (tuner == null || tuner.done) return
    tuning = tuner
      .step()
      .then(() => {
        variant = tuner.variant
      })
      .catch(() => {})
  }
  const { vendor, architecture, description } = gpu.summary
  const adapter = [vendor, architecture, description].filter(Boolean).join(' ') || 'unknown adapter'

  async function run(
    a: Float32Array,
    b: Float32Array,
    m: number,
    n: number,
    k: number,
  ): Promise<Float32Array> {
    const ta = rt.tensor([m, k], a)
    const tb = rt.tensor([k, n], b)
    const c = gemm(rt, ta, tb, { variant })
    try {
      return await rt.read(c)
    } finally {
      for (const t of [ta, tb, c]) rt.release(t)
    }
  }

  return {
    name: 'webgpu',
    get description() {
      const tuned = tuner == null || tuner.done ? '' : ' (tuning)'
      return `WebGPU: ${adapter}${gpu.summary.isFallback ? ' (software fallback)' : ''}, GEMM ${variantKey(variant)}${tuned}`
    },
    get backgroundMs() {
      return backgroundMs
    },
    async matmul(a, b, m, n, k) {
      const waiting = performance.now()
      await tuning
      backgroundMs += performance.now() - waiting
      if (lostError) throw lostError
      // A lost device resolves mapAsync with an error or never; race it so a shard fails cleanly.
      const c = await Promise.race([
        run(a, b, m, n, k),
        gpu.lost.then((err) => {
          throw err
        }),
      ])
      tuneBetweenShards()
      return c
    },
    destroy() {
      rt.destroy()
      gpu.device.destroy()
    },
  }
}
