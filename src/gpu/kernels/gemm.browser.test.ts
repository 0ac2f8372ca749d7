import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireGpu, type GpuContext } from '../device.ts'
import { gemmRef } from './gemm.ref.ts'
import { createGemmKernel, type GemmKernel } from './gemm.ts'

/** Deterministic signed test data. */
function data(length: number, seed: number): Float32Array {
  let s = seed >>> 0
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 31 - 1
  })
}

// Aligned and ragged shapes: 1, 7, 63, 65, 257 straddle the 64-wide tile and the 16-deep K step.
const CASES: Array<[number, number, number]> = [
  [1, 1, 1],
  [7, 7, 7],
  [63, 65, 17],
  [65, 63, 257],
  [64, 64, 64],
  [128, 64, 256],
  [257, 1, 7],
  [1, 257, 65],
]

let gpu: GpuContext
let gemm: GemmKernel

beforeAll(async () => {
  gpu = await acquireGpu()
  gemm = createGemmKernel(gpu.device)
})
afterAll(() => gpu?.device.destroy())

describe('gemm.wgsl', () => {
  it.each(CASES)('matches the CPU reference for M=%i N=%i K=%i within the f32 bound', async (m, n, k) => {
    const a = data(m * k, m * 7 + k)
    const b = data(k * n, n * 13 + k)
    const c = await gemm.run(a, b, m, n, k)
    const want = gemmRef(a, b, m, n, k)
    const bound = gemmRef(a.map(Math.abs), b.map(Math.abs), m, n, k)
    // Per element: |error| <= (lambda sqrt(K) + 1) u (|A||B|)_ij, the bound Freivalds uses (freivalds.ts).
    const gamma = (8 * Math.sqrt(k) + 1) * 2 ** -24
    let worst = 0
    for (let i = 0; i < m * n; i++) {
      worst = Math.max(worst, Math.abs(c[i] - want[i]) / (gamma * bound[i] + 1e-30))
    }
    expect(c.length).toBe(m * n)
    expect(worst).toBeLessThanOrEqual(1)
  })

  it('writes every element of C, including ragged edges', async () => {
    const [m, n, k] = [65, 67, 3]
    const ones = new Float32Array(m * k).fill(1)
    const c = await gemm.run(ones, new Float32Array(k * n).fill(1), m, n, k)
    expect(c.every((v) => v === 3)).toBe(true)
  })

  it('refuses operands whose length does not match the shape', async () => {
    await expect(gemm.run(new Float32Array(3), new Float32Array(4), 2, 2, 2)).rejects.toThrow(RangeError)
  })
})
