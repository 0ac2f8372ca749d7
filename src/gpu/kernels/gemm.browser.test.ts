import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GpuRuntime } from '../runtime.ts'
import { gemmRef } from './gemm.ref.ts'
import { fitsDevice, GEMM_VARIANTS, gemm, variantKey } from './gemm.ts'
import { data, expectClose, read, testRuntime, U } from './test-helpers.ts'

// Aligned and ragged shapes: 1, 7, 63, 65, 257 straddle every tile width and K step.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [7, 7, 7],
  [63, 65, 17],
  [65, 63, 257],
  [64, 64, 64],
  [65, 68, 36],
  [3, 4, 4],
  [257, 1, 7],
  [1, 257, 65],
]

let rt: GpuRuntime
beforeAll(async () => {
  rt = await testRuntime()
})
afterAll(() => rt?.destroy())

/** The per-element f32 bound Freivalds also uses: (8√K + 1)·u·(|A||B|)_ij, plus the epilogue's rounding. */
function bound(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
) {
  const abs = gemmRef(a.map(Math.abs), b.map(Math.abs), m, n, k, { transA, transB })
  return { rel: (8 * Math.sqrt(k) + 4) * U, scale: abs.map((x) => x + 1), abs: 0 }
}

describe('gemm kernels', () => {
  for (const variant of GEMM_VARIANTS) {
    it(`${variantKey(variant)} matches the reference on odd and aligned shapes`, async () => {
      if (!fitsDevice(rt, variant)) return
      for (const [m, n, k] of SHAPES) {
        const a = data(m * k, m * 7 + k)
        const b = data(k * n, n * 13 + k)
        const c = gemm(rt, rt.tensor([m, k], a), rt.tensor([k, n], b), { variant })
        expectClose(await read(rt, c), gemmRef(a, b, m, n, k), bound(a, b, m, n, k, false, false))
      }
    })
  }

  it.each([
    [false, true, 'none'],
    [true, false, 'relu'],
    [true, true, 'gelu'],
  ] as const)(
    'transA=%s transB=%s with bias and %s, in every variant',
    async (transA, transB, activation) => {
      const [m, n, k] = [33, 65, 31]
      const a = data(m * k, 3)
      const b = data(k * n, 4)
      const bias = data(n, 5)
      const want = gemmRef(a, b, m, n, k, { transA, transB, bias, activation })
      for (const variant of GEMM_VARIANTS.filter((v) => fitsDevice(rt, v))) {
        const c = gemm(rt, rt.tensor(transA ? [k, m] : [m, k], a), rt.tensor(transB ? [n, k] : [k, n], b), {
          transA,
          transB,
          bias: rt.tensor([n], bias),
          activation,
          variant,
        })
        expectClose(await read(rt, c), want, { ...bound(a, b, m, n, k, transA, transB), abs: 1e-6 })
      }
    },
  )

  it('vec4 variants fuse bias and activation on shapes they take', async () => {
    const [m, n, k] = [37, 72, 44]
    const a = data(m * k, 8)
    const b = data(k * n, 9)
    const bias = data(n, 10)
    const want = gemmRef(a, b, m, n, k, { bias, activation: 'gelu' })
    for (const variant of GEMM_VARIANTS.filter((v) => v.kind === 'vec4' && fitsDevice(rt, v))) {
      const c = gemm(rt, rt.tensor([m, k], a), rt.tensor([k, n], b), {
        bias: rt.tensor([n], bias),
        activation: 'gelu',
        variant,
      })
      expectClose(await read(rt, c), want, { ...bound(a, b, m, n, k, false, false), abs: 1e-6 })
    }
  })

  it('refuses operands whose shapes do not chain', () => {
    expect(() => gemm(rt, rt.tensor([2, 3]), rt.tensor([4, 2]))).toThrow(RangeError)
  })

  it('reuses pooled buffers: a long run keeps device memory flat', async () => {
    const a = rt.tensor([32, 32], data(1024, 1))
    const before = rt.liveBuffers()
    for (let i = 0; i < 50; i++) {
      const c = gemm(rt, a, a)
      await read(rt, c)
      rt.release(c)
    }
    expect(rt.liveBuffers()).toBe(before)
  })
})
