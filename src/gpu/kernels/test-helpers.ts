/** Shared by the kernel tests: a runtime on the test browser's adapter, data, and tolerance checks. */
import { expect } from 'vitest'
import { acquireGpu } from '../device.ts'
import { createRuntime, type GpuRuntime, type GpuTensor } from '../runtime.ts'

export const U = 2 ** -24

export async function testRuntime(): Promise<GpuRuntime> {
  return createRuntime(await acquireGpu())
}

/** Deterministic uniforms in [lo, hi). */
export function data(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return lo + ((hi - lo) * s) / 2 ** 32
  })
}

export function ids(length: number, vocab: number, seed: number): Uint32Array {
  return Uint32Array.from(data(length, seed, 0, vocab), (x) => Math.min(vocab - 1, Math.floor(x)))
}

/** Reads a result and fails the test if WebGPU reported any validation error on the way. */
export async function read(rt: GpuRuntime, t: GpuTensor): Promise<Float32Array> {
  const out = await rt.read(t)
  expect(rt.takeErrors()).toEqual([])
  return out
}

/**
 * |got − want| ≤ rel · scale + abs elementwise, where scale is |want| or the given per-element scale;
 * reports the worst element on failure.
 */
export function expectClose(
  got: Float32Array,
  want: ArrayLike<number>,
  tol: { rel: number; abs?: number; scale?: ArrayLike<number> },
): void {
  expect(got.length).toBe(want.length)
  let worst = 0
  let at = -1
  for (let i = 0; i < got.length; i++) {
    const bound = tol.rel * Math.abs(tol.scale ? tol.scale[i] : want[i]) + (tol.abs ?? 0)
    const diff = Math.abs(got[i] - want[i])
    const ratio = diff === 0 ? 0 : diff / bound
    if (!(ratio <= worst)) {
      worst = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio
      at = i
    }
  }
  expect(worst, `worst element ${at}: got ${got[at]}, want ${want[at]}`).toBeLessThanOrEqual(1)
}
