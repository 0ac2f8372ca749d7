/**
 * Host side of gemm.wgsl: builds the pipeline once per configuration and runs C = A·B, f32,
 * any M, N, K. CPU reference: gemm.ref.ts.
 */
import shaderSource from './gemm.wgsl?raw'

export interface GemmConfig {
  /** Workgroup width and height in threads. */
  wgX: number
  wgY: number
  /** Rows and columns of C each thread accumulates in registers. */
  rm: number
  rn: number
  /** K slice staged in workgroup memory per step. */
  tileK: number
}

export const DEFAULT_GEMM_CONFIG: GemmConfig = { wgX: 16, wgY: 16, rm: 4, rn: 4, tileK: 16 }

/** Pipelines live as long as the device; buffers are created and freed per run. */
export interface GemmKernel {
  run(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Promise<Float32Array>
}

export function createGemmKernel(device: GPUDevice, config: GemmConfig = DEFAULT_GEMM_CONFIG): GemmKernel {
  const { wgX, wgY, rm, rn, tileK } = config
  const workgroupBytes = 4 * tileK * (wgY * rm + wgX * rn)
  if (workgroupBytes > device.limits.maxComputeWorkgroupStorageSize) {
    throw new RangeError(
      `gemm tiles need ${workgroupBytes} B of workgroup memory, device allows ${device.limits.maxComputeWorkgroupStorageSize}`,
    )
  }
  const tileM = wgY * rm
  const tileN = wgX * rn
  const module = device.createShaderModule({
    label: 'gemm.shader',
    code: `const RM: u32 = ${rm}u;\nconst RN: u32 = ${rn}u;\n${shaderSource}`,
  })
  const storage = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type },
  })
  const layout = device.createBindGroupLayout({
    label: 'gemm.bindGroupLayout',
    entries: [
      storage(0, 'uniform'),
      storage(1, 'read-only-storage'),
      storage(2, 'read-only-storage'),
      storage(3, 'storage'),
    ],
  })
  const pipeline = device.createComputePipeline({
    label: 'gemm.pipeline',
    layout: device.createPipelineLayout({ label: 'gemm.pipelineLayout', bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'main', constants: { WG_X: wgX, WG_Y: wgY, TILE_K: tileK } },
  })

  return {
    async run(a, b, m, n, k) {
      if (a.length !== m * k || b.length !== k * n) {
        throw new RangeError(
          `gemm: A has ${a.length} elements (want ${m * k}), B ${b.length} (want ${k * n})`,
        )
      }
      const created: GPUBuffer[] = []
      const buffer = (label: string, size: number, usage: GPUBufferUsageFlags) => {
        const buf = device.createBuffer({ label, size: Math.max(16, Math.ceil(size / 4) * 4), usage })
        created.push(buf)
        return buf
      }
      try {
        const dims = buffer('gemm.dims', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST)
        const aBuf = buffer('gemm.a', a.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)
        const bBuf = buffer('gemm.b', b.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)
        const cBuf = buffer('gemm.c', m * n * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC)
        const readback = buffer('gemm.readback', m * n * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST)
        device.queue.writeBuffer(dims, 0, new Uint32Array([m, n, k, 0]))
        device.queue.writeBuffer(aBuf, 0, a as Float32Array<ArrayBuffer>)
        device.queue.writeBuffer(bBuf, 0, b as Float32Array<ArrayBuffer>)

        const bindGroup = device.createBindGroup({
          label: 'gemm.bindGroup',
          layout,
          entries: [dims, aBuf, bBuf, cBuf].map((buf, binding) => ({ binding, resource: { buffer: buf } })),
        })
        const encoder = device.createCommandEncoder({ label: 'gemm.encoder' })
        const pass = encoder.beginComputePass({ label: 'gemm.pass' })
        pass.setPipeline(pipeline)
        pass.setBindGroup(0, bindGroup)
        pass.dispatchWorkgroups(Math.ceil(n / tileN), Math.ceil(m / tileM))
        pass.end()
        encoder.copyBufferToBuffer(cBuf, 0, readback, 0, m * n * 4)
        device.queue.submit([encoder.finish()])

        await readback.mapAsync(GPUMapMode.READ)
        const out = new Float32Array(readback.getMappedRange(0, m * n * 4).slice(0))
        readback.unmap()
        return out
      } finally {
        for (const buf of created) buf.destroy()
      }
    },
  }
}
