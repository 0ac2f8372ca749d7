/** A dense row-major f32 matrix: GEMM operands and results. */
export interface Matrix {
  rows: number
  cols: number
  data: Float32Array
}

/** Columns [col0, col0 + n) of a row-major matrix, as a rows × n matrix of their own. */
export function columnRange(m: Matrix, col0: number, n: number): Float32Array {
  if (col0 === 0 && n === m.cols) return m.data
  const out = new Float32Array(m.rows * n)
  for (let l = 0; l < m.rows; l++) out.set(m.data.subarray(l * m.cols + col0, l * m.cols + col0 + n), l * n)
  return out
}
