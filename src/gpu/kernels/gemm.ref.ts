/**
 * CPU reference for gemm.wgsl: C (m x n) = A (m x k) · B (k x n), row-major f32. Accumulates in f64
 * and rounds once, so it is at least as accurate as any GPU result it is compared with.
 */
export function gemmRef(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float32Array {
  if (a.length !== m * k || b.length !== k * n) {
    throw new RangeError(`gemmRef: A has ${a.length} elements (want ${m * k}), B ${b.length} (want ${k * n})`)
  }
  const acc = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    const row = i * n
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l]
      if (ail === 0) continue
      const bRow = l * n
      for (let j = 0; j < n; j++) acc[row + j] += ail * b[bRow + j]
    }
  }
  return Float32Array.from(acc)
}
