/**
 * CPU reference for gemm.wgsl and gemm-direct.wgsl: C = act(op(A)·op(B) + bias), row-major f32.
 * Accumulates in f64 and rounds once, so it is at least as accurate as any GPU result it is compared with.
 */
import { type ActivationName, activationRef } from './elementwise.ref.ts'

export interface GemmRefOptions {
  transA?: boolean
  transB?: boolean
  bias?: Float32Array
  activation?: ActivationName
}

export function gemmRef(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  options: GemmRefOptions = {},
): Float32Array {
  if (a.length !== m * k || b.length !== k * n) {
    throw new RangeError(`gemmRef: A has ${a.length} elements (want ${m * k}), B ${b.length} (want ${k * n})`)
  }
  const { transA = false, transB = false, bias, activation = 'none' } = options
  const acc = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    const row = i * n
    for (let l = 0; l < k; l++) {
      const ail = transA ? a[l * m + i] : a[i * k + l]
      if (ail === 0) continue
      for (let j = 0; j < n; j++) acc[row + j] += ail * (transB ? b[j * k + l] : b[l * n + j])
    }
  }
  const out = new Float32Array(m * n)
  const act = activationRef(activation)
  for (let i = 0; i < m * n; i++) out[i] = act(acc[i] + (bias ? bias[i % n] : 0))
  return out
}
