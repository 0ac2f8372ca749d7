/**
 * WebGPU adapter and device acquisition. Called only after the visitor presses Start: requesting an
 * adapter is the first thing that touches the GPU.
 */
import { DeviceLostError, NoAdapterError, WebGpuUnavailableError } from './errors.ts'

export interface AdapterSummary {
  vendor: string
  architecture: string
  device: string
  description: string
  /** A software or CPU adapter (SwiftShader, WARP, llvmpipe): works, but slowly. */
  isFallback: boolean
  features: string[]
}

export interface GpuContext {
  adapter: GPUAdapter
  device: GPUDevice
  summary: AdapterSummary
  /** Resolves with why the device went away; it never rejects. */
  lost: Promise<DeviceLostError>
}

const SOFTWARE_ARCHITECTURES = ['swiftshader', 'llvmpipe', 'warp', 'lavapipe']

/** Features kernels use when present; each has a path without it. */
const OPTIONAL_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'] as GPUFeatureName[]

/** Limits raised to the adapter's maximum: bigger tiles and tensors when the hardware allows. */
const RAISED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
] as const

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info
  const architecture = info.architecture ?? ''
  const flagged = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true
  return {
    vendor: info.vendor ?? '',
    architecture,
    device: info.device ?? '',
    description: info.description ?? '',
    isFallback: flagged || SOFTWARE_ARCHITECTURES.includes(architecture.toLowerCase()),
    features: [...adapter.features].sort(),
  }
}

/** `from` is the navigator to ask (a stand-in in tests). */
export async function acquireGpu(from: { gpu?: GPU } = globalThis.navigator): Promise<GpuContext> {
  const gpu = from?.gpu
  if (gpu == null) throw new WebGpuUnavailableError()
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (adapter == null) throw new NoAdapterError()
  // Features are only usable on the device if requested; limits start at the spec's minimums (e.g. 16 KiB
  // of workgroup memory) unless we ask for what the adapter offers.
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f))
  const requiredLimits: Record<string, number> = {}
  for (const name of RAISED_LIMITS) {
    const value = adapter.limits[name]
    if (typeof value === 'number') requiredLimits[name] = value
  }
  const device = await adapter.requestDevice({ label: 'tessera.device', requiredFeatures, requiredLimits })
  const lost = device.lost.then((info) => new DeviceLostError(info.reason, info.message))
  return { adapter, device, summary: summarizeAdapter(adapter), lost }
}
