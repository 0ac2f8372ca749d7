/**
 * The small tensor layer every kernel runs on: capabilities, a pipeline cache keyed by shader and
 * constants, a buffer pool by size class, and one command encoder that ops record into until
 * `flush()` (or a read) submits it, so a forward/backward pass becomes a handful of submits.
 */
import { createBufferPool } from './buffer-pool.ts'
import type { GpuContext } from './device.ts'

export interface Capabilities {
  /** `shader-f16` was granted: kernels may store and multiply in f16. */
  f16: boolean
  /** `subgroups` was granted: reductions may use subgroup operations. */
  subgroups: boolean
  maxWorkgroupStorage: number
  maxWorkgroupInvocations: number
  /** A CPU/software adapter (SwiftShader and kin). */
  fallback: boolean
}

export interface GpuTensor {
  readonly buffer: GPUBuffer
  readonly shape: readonly number[]
  readonly size: number
}

export interface Binding {
  buffer: GPUBuffer
}

export interface GpuRuntime {
  readonly device: GPUDevice
  readonly caps: Capabilities
  /** A small zeroed storage buffer to bind where a kernel's optional input is absent. */
  readonly placeholder: GPUBuffer
  /** A tensor from the pool; u32 data (token ids, targets) is stored bit for bit. */
  tensor(shape: readonly number[], data?: Float32Array | Uint32Array): GpuTensor
  /** Small uniform block for one dispatch (u32 fields, then f32 fields), freed after the next flush. */
  uniform(u32: number[], f32?: number[]): GPUBuffer
  /** Records a dispatch; `bindings[i]` goes to @binding(i), holes are bindings the entry point does not use. */
  dispatch(
    pipeline: GPUComputePipeline,
    bindings: Array<GPUBuffer | undefined>,
    workgroups: [number, number?, number?],
    label: string,
  ): void
  /** Builds (once) a compute pipeline from WGSL, with layout 'auto'. */
  kernel(
    key: string,
    code: string,
    entryPoint: string,
    constants?: Record<string, number>,
  ): GPUComputePipeline
  /** Records a copy of all of `src` into `dst` from element `offset` on (packing many results into one read). */
  copy(src: GpuTensor, dst: GpuTensor, offset: number): void
  /** Returns a tensor's buffer to the pool once the work recorded so far has been submitted. */
  release(t: GpuTensor): void
  flush(): void
  read(t: GpuTensor): Promise<Float32Array>
  /** Buffers currently owned by live tensors (for leak tests). */
  liveBuffers(): number
  /** WebGPU validation and out-of-memory errors no one caught, oldest first (and clears them). */
  takeErrors(): string[]
  destroy(): void
}

const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST

/** Compute pipelines built once per shader, entry point and constants. */
function pipelineCache(device: GPUDevice): GpuRuntime['kernel'] {
  const pipelines = new Map<string, GPUComputePipeline>()
  return (key, code, entryPoint, constants = {}) => {
    const cacheKey = `${key}:${entryPoint}:${JSON.stringify(constants)}`
    let pipeline = pipelines.get(cacheKey)
    if (pipeline == null) {
      pipeline = device.createComputePipeline({
        label: `${key}.${entryPoint}.pipeline`,
        layout: 'auto',
        compute: {
          module: device.createShaderModule({ label: `${key}.shader`, code }),
          entryPoint,
          constants,
        },
      })
      pipelines.set(cacheKey, pipeline)
    }
    return pipeline
  }
}

export function createRuntime(gpu: Pick<GpuContext, 'device' | 'summary'>): GpuRuntime {
  const { device } = gpu
  const caps: Capabilities = {
    f16: device.features.has('shader-f16'),
    subgroups: device.features.has('subgroups'),
    maxWorkgroupStorage: device.limits.maxComputeWorkgroupStorageSize,
    maxWorkgroupInvocations: device.limits.maxComputeInvocationsPerWorkgroup,
    fallback: gpu.summary.isFallback,
  }
  const pool = createBufferPool(device)
  let encoder: GPUCommandEncoder | undefined

  // A bad shader or binding makes a dispatch silently do nothing; keep what WebGPU reports.
  let errors: string[] = []
  device.addEventListener('uncapturederror', (event) => {
    errors.push((event as GPUUncapturedErrorEvent).error.message)
  })
  const placeholder = device.createBuffer({ label: 'runtime.placeholder', size: 256, usage: STORAGE })
  const rt: GpuRuntime = {
    device,
    caps,
    placeholder,
    kernel: pipelineCache(device),
    tensor(shape, data) {
      const size = shape.reduce((a, b) => a * b, 1)
      const buffer = pool.take(size * 4, STORAGE, 'tensor')
      if (data != null) {
        if (data.length !== size)
          throw new RangeError(`tensor data has ${data.length} elements, shape needs ${size}`)
        device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>)
      }
      return { buffer, shape: [...shape], size }
    },
    uniform(u32, f32 = []) {
      const words = new ArrayBuffer(Math.max(16, Math.ceil((u32.length + f32.length) / 4) * 16))
      new Uint32Array(words).set(u32)
      new Float32Array(words).set(f32, u32.length)
      const buffer = pool.take(words.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'uniform')
      device.queue.writeBuffer(buffer, 0, words)
      pool.giveBack(buffer)
      return buffer
    },
    dispatch(pipeline, bindings, [x, y = 1, z = 1], label) {
      encoder ??= device.createCommandEncoder({ label: 'runtime.encoder' })
      const bindGroup = device.createBindGroup({
        label: `${label}.bindGroup`,
        layout: pipeline.getBindGroupLayout(0),
        entries: bindings.flatMap((buffer, binding) =>
          buffer == null ? [] : [{ binding, resource: { buffer } }],
        ),
      })
      const pass = encoder.beginComputePass({ label: `${label}.pass` })
      pass.setPipeline(pipeline)
      pass.setBindGroup(0, bindGroup)
      pass.dispatchWorkgroups(x, y, z)
      pass.end()
    },
    copy(src, dst, offset) {
      if (offset + src.size > dst.size)
        throw new RangeError(`copy: ${src.size} elements do not fit at ${offset}`)
      encoder ??= device.createCommandEncoder({ label: 'runtime.encoder' })
      encoder.copyBufferToBuffer(src.buffer, 0, dst.buffer, offset * 4, src.size * 4)
    },
    release(t) {
      pool.giveBack(t.buffer)
    },
    flush() {
      if (encoder != null) {
        device.queue.submit([encoder.finish()])
        encoder = undefined
      }
      // Buffers released while recording are reusable only now: the submit above ran their last use.
      pool.recycle()
    },
    async read(t) {
      const bytes = t.size * 4
      const staging = device.createBuffer({
        label: 'runtime.readback',
        size: Math.max(4, bytes),
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      })
      encoder ??= device.createCommandEncoder({ label: 'runtime.encoder' })
      encoder.copyBufferToBuffer(t.buffer, 0, staging, 0, bytes)
      rt.flush()
      try {
        await staging.mapAsync(GPUMapMode.READ)
        return new Float32Array(staging.getMappedRange(0, bytes).slice(0))
      } finally {
        staging.destroy()
      }
    },
    takeErrors() {
      const out = errors
      errors = []
      return out
    },
    liveBuffers: () => pool.live(GPUBufferUsage.STORAGE),
    destroy() {
      pool.destroy()
      placeholder.destroy()
    },
  }
  return rt
}

/** Workgroup grid for one workgroup per row: rows past 65535 spill into y (kernels use x + y * 65535). */
export function rowGrid(rows: number): [number, number] {
  return [Math.min(rows, 65_535), Math.ceil(rows / 65_535)]
}

/** Workgroup grid for `n` threads in workgroups of `wg` (kernels use gid.x + gid.y * groups.x * wg). */
export function linearGrid(n: number, wg: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / wg))
  const x = Math.min(groups, 65_535)
  return [x, Math.ceil(groups / x)]
}
