import { describe, expect, it } from 'vitest'
import { acquireGpu } from './device.ts'
import { createWebGpuEngine } from './webgpu-engine.ts'

describe('WebGPU device', () => {
  it('acquires an adapter and reports a software adapter as a fallback', async () => {
    const gpu = await acquireGpu()
    expect(gpu.summary.architecture.length).toBeGreaterThan(0)
    if (gpu.summary.architecture === 'swiftshader') expect(gpu.summary.isFallback).toBe(true)
    // The device gets the optional features the adapter has, and its higher limits.
    if (gpu.adapter.features.has('subgroups')) expect(gpu.device.features.has('subgroups')).toBe(true)
    expect(gpu.device.features.has('shader-f16')).toBe(gpu.adapter.features.has('shader-f16'))
    expect(gpu.device.limits.maxComputeWorkgroupStorageSize).toBe(
      gpu.adapter.limits.maxComputeWorkgroupStorageSize,
    )
    gpu.device.destroy()
  })

  it('explains a browser without WebGPU', async () => {
    await expect(acquireGpu({})).rejects.toMatchObject({ name: 'WebGpuUnavailableError' })
  })

  it('explains a browser that grants no adapter', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU
    await expect(acquireGpu({ gpu: noAdapter })).rejects.toMatchObject({ name: 'NoAdapterError' })
  })

  it('fails shards with DeviceLostError once the device is lost', async () => {
    const engine = await createWebGpuEngine(await acquireGpu())
    const a = new Float32Array(4).fill(1)
    expect(await engine.matmul(a, a, 2, 2, 2)).toEqual(new Float32Array([2, 2, 2, 2]))
    engine.destroy()
    await expect(engine.matmul(a, a, 2, 2, 2)).rejects.toMatchObject({ name: 'DeviceLostError' })
  })
})
