/** The exported ONNX model, run by onnxruntime-node, gives the reference's logits. */
import { describe, expect, it } from 'vitest'
import { createNodeOnnx } from '../onnx-node.ts'
import { createPrng } from '../prng.ts'
import { logitsRef } from './model.ref.ts'
import { initialWeights } from './model.ts'
import { exportOnnx } from './onnx-export.ts'

describe('ONNX export', () => {
  it('computes the reference logits for every position of every sequence', async () => {
    const c = { vocab: 256, layers: 2, width: 32, heads: 4, context: 16 }
    const weights = initialWeights(c, 5)
    // Larger than at initialisation, so attention and GELU are far from linear.
    for (let i = 0; i < weights.length; i++) weights[i] *= 8
    const random = createPrng(2)
    const batch = 3
    const tokens = Uint32Array.from({ length: batch * c.context }, () => Math.floor(random() * 256))
    const onnx = createNodeOnnx()
    try {
      const [out] = await onnx.run('export-test', async () => exportOnnx(c, weights, batch), [
        {
          name: 'tokens',
          dtype: 'int64',
          shape: [batch, c.context],
          data: BigInt64Array.from(tokens, BigInt),
        },
      ])
      expect(out.shape).toEqual([batch, c.context, 256])
      const want = await logitsRef(c, weights, { sequences: batch, inputs: tokens, targets: tokens })
      const got = out.data as Float32Array
      let worst = 0
      let scale = 0
      for (let i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - want[i]))
        scale = Math.max(scale, Math.abs(want[i]))
      }
      expect(worst / scale).toBeLessThan(1e-4)
    } finally {
      await onnx.close()
    }
  })
})
