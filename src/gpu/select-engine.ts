/**
 * Which engine runs the shards. WebGPU with the tuned WGSL GEMM when there is a real GPU (a wasm trial
 * there would run a shard sized for the GPU on the CPU: minutes); the wasm engine when there is no
 * WebGPU; and when the only adapter is a software fallback (SwiftShader, WARP, llvmpipe), wasm first
 * and WebGPU compared with it on real shards (adaptive-engine.ts). Configuration can force either
 * (`?engine=webgpu`), so tests on a machine whose only adapter is SwiftShader still exercise WebGPU.
 */
import { createAdaptiveEngine } from './adaptive-engine.ts'
import { acquireGpu, type GpuContext } from './device.ts'
import type { MatmulEngine } from './engine.ts'
import { NoAdapterError, WebGpuUnavailableError } from './errors.ts'
import { createWasmEngine } from './wasm-engine.ts'
import { createWebGpuEngine } from './webgpu-engine.ts'

export type EngineChoice = 'auto' | 'webgpu' | 'wasm'

export interface SelectedEngine {
  engine: MatmulEngine
  /** The WebGPU device when the engine runs on it, for kinds that need more kernels than GEMM. */
  gpu?: GpuContext
  /** The device's lost promise when the engine is WebGPU. */
  lost?: Promise<Error>
  /** Why this engine, in words for the UI. */
  reason: string
}

export function parseEngineChoice(value: string | null | undefined): EngineChoice {
  return value === 'webgpu' || value === 'wasm' ? value : 'auto'
}

/** `from`: where the WebGPU API is (the compute worker passes none when its page has none). */
export async function selectEngine(
  choice: EngineChoice = 'auto',
  from: { gpu?: GPU } = globalThis.navigator,
): Promise<SelectedEngine> {
  if (choice === 'wasm') return { engine: createWasmEngine(), reason: 'wasm engine requested' }
  let gpu: Awaited<ReturnType<typeof acquireGpu>>
  try {
    gpu = await acquireGpu(from)
  } catch (err) {
    if (choice === 'auto' && (err instanceof WebGpuUnavailableError || err instanceof NoAdapterError)) {
      return { engine: createWasmEngine(), reason: `${err.message} Using the CPU (wasm) engine instead.` }
    }
    throw err
  }
  if (choice === 'auto' && gpu.summary.isFallback) {
    // Likely slower than wasm, but measured rather than assumed: WebGPU gets a trial on real shards
    // once wasm has run a few, and takes over if it delivers more.
    return {
      engine: createAdaptiveEngine({
        first: createWasmEngine(),
        second: () => createWebGpuEngine(gpu, { tune: 'first' }),
      }),
      lost: gpu.lost,
      reason: `The only GPU adapter is a software fallback (${gpu.summary.architecture}): starting on the wasm engine, WebGPU is tried on real shards and kept if it delivers more.`,
    }
  }
  return {
    engine: await createWebGpuEngine(gpu),
    gpu,
    lost: gpu.lost,
    reason: choice === 'webgpu' ? 'WebGPU engine requested' : 'WebGPU adapter found',
  }
}
