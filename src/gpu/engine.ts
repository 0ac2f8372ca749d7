/**
 * What the contributor engine needs from a compute backend. One interface, several implementations
 * (WebGPU, CPU reference), so the client code is the same whichever runs.
 */
export interface MatmulEngine {
  /** Short id sent with lease requests and results, e.g. `webgpu` or `cpu`. */
  readonly name: string
  /** What the user sees: adapter vendor/architecture, or "CPU reference". */
  readonly description: string
  /** Measured GEMM throughput (FLOP/s), when the engine timed itself (the autotuner); a first guess. */
  readonly flopsPerSecond?: number
  /**
   * Milliseconds, in all, that matmul calls spent waiting for the engine's own background work (the
   * WebGPU engine's tuning between shards): not the shards' compute, so not counted in their rate.
   */
  readonly backgroundMs?: number
  /** C (m x n) = A (m x k) · B (k x n), row-major f32. */
  matmul(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Promise<Float32Array>
  /** Releases every GPU object; the engine cannot be used afterwards. */
  destroy(): void
}
