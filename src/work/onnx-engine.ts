/**
 * A MatmulEngine on any OnnxRunner: a one-MatMul model run by ONNX Runtime. In Node that is
 * onnxruntime-node's CPU GEMM, many times the speed of gemmRef's loops: Node contributors train with
 * it, and the validator recomputes training shards with it (src/work/train/check.ts).
 */
import type { MatmulEngine } from '../gpu/engine.ts'
import { matmulModel } from '../gpu/ort/onnx-model.ts'
import type { OnnxRunner } from './kind.ts'

const MODEL_KEY = 'tessera.matmul.v1'

export function createOnnxEngine(onnx: OnnxRunner, name = 'onnx-cpu'): MatmulEngine {
  const model = matmulModel()
  return {
    name,
    description: 'ONNX Runtime MatMul (CPU)',
    async matmul(a, b, m, n, k) {
      const [y] = await onnx.run(MODEL_KEY, async () => model, [
        { name: 'A', dtype: 'float32', shape: [m, k], data: a },
        { name: 'B', dtype: 'float32', shape: [k, n], data: b },
      ])
      return y.data as Float32Array
    },
    destroy: () => {},
  }
}
