/** The WebGPU MatmulEngine: Tessera's own WGSL GEMM on the adapter the visitor granted. */
import type { GpuContext } from './device.ts'
import type { MatmulEngine } from './engine.ts'
import type { DeviceLostError } from './errors.ts'
import { createGemmKernel } from './kernels/gemm.ts'

export function createWebGpuEngine(gpu: GpuContext): MatmulEngine {
  const gemm = createGemmKernel(gpu.device)
  let lostError: DeviceLostError | undefined
  void gpu.lost.then((err) => {
    lostError = err
  })
  const { vendor, architecture, description } = gpu.summary
  return {
    name: 'webgpu',
    description: `WebGPU: ${[vendor, architecture, description].filter(Boolean).join(' ') || 'unknown adapter'}${gpu.summary.isFallback ? ' (software fallback)' : ''}`,
    async matmul(a, b, m, n, k) {
      if (lostError) throw lostError
      // A lost device resolves mapAsync with an error or never; race it so a shard fails cleanly.
      return Promise.race([
        gemm.run(a, b, m, n, k),
        gpu.lost.then((err) => {
          throw err
        }),
      ])
    },
    destroy() {
      gpu.device.destroy()
    },
  }
}
