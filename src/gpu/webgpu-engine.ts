/** The WebGPU MatmulEngine: Tessera's own WGSL GEMM, in the variant tuned for this adapter. */
import { tuneGemm } from './autotune.ts'
import type { GpuContext } from './device.ts'
import type { MatmulEngine } from './engine.ts'
import type { DeviceLostError } from './errors.ts'
import { type GemmVariant, gemm, variantKey } from './kernels/gemm.ts'
import { createRuntime } from './runtime.ts'

export interface WebGpuEngineOptions {
  /** Skip tuning and use this variant (tests, benchmarks). */
  variant?: GemmVariant
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
  const variant = options.variant ?? (await tuneGemm(rt, gpu.summary)).variant
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
    description: `WebGPU: ${adapter}${gpu.summary.isFallback ? ' (software fallback)' : ''}, GEMM ${variantKey(variant)}`,
    async matmul(a, b, m, n, k) {
      if (lostError) throw lostError
      // A lost device resolves mapAsync with an error or never; race it so a shard fails cleanly.
      return Promise.race([
        run(a, b, m, n, k),
        gpu.lost.then((err) => {
          throw err
        }),
      ])
    },
    destroy() {
      rt.destroy()
      gpu.device.destroy()
    },
  }
}
