/** A dense row-major f32 matrix: GEMM operands and results. */
export interface Matrix {
  rows: number
  cols: number
  data: Float32Array
}
