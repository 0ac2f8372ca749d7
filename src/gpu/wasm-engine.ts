/**
 * The wasm MatmulEngine: ONNX Runtime Web's CPU (wasm, SIMD, threads when the page is isolated)
 * execution of a one-MatMul model. Used where the only adapter is a software fallback or there is no
 * WebGPU: measured on SwiftShader, it is 10-20x faster than any WGSL kernel there.
 */
import type { MatmulEngine } from './engine.ts'
import { matmulModel } from './ort/onnx-model.ts'
import { ortSession, wasmThreads } from './ort/ort-runtime.ts'

export function createWasmEngine(): MatmulEngine {
  const session = ortSession('matmul', matmulModel)
  return {
    name: 'wasm',
    description: `ONNX Runtime wasm (CPU, ${wasmThreads()} thread${wasmThreads() === 1 ? '' : 's'})`,
    async matmul(a, b, m, n, k) {
      const [y] = await session.run([
        { name: 'A', dtype: 'float32', shape: [m, k], data: a },
        { name: 'B', dtype: 'float32', shape: [k, n], data: b },
      ])
      return y.data as Float32Array
    },
    destroy() {
      void session.release()
    },
  }
}
