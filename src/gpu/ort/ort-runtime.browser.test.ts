/** ONNX Runtime Web in Chromium: a model that fails to load is not kept, so a good copy loads next time. */
import { describe, expect, it } from 'vitest'
import { matmulModel } from './onnx-model.ts'
import { ortSession } from './ort-runtime.ts'

describe('ONNX Runtime sessions', () => {
  it('forget a model that failed to load: the next run of that model loads it again', async () => {
    const key = `model-${crypto.randomUUID()}`
    // A download cut short: the first bytes of the model only.
    const broken = ortSession(key, () => matmulModel().subarray(0, 20))
    const inputs = [
      { name: 'A', dtype: 'float32' as const, shape: [1, 2], data: Float32Array.of(1, 2) },
      { name: 'B', dtype: 'float32' as const, shape: [2, 1], data: Float32Array.of(3, 4) },
    ]
    await expect(broken.run(inputs)).rejects.toThrow(/./)
    const good = ortSession(key, () => matmulModel())
    const [y] = await good.run(inputs)
    expect([...(y.data as Float32Array)]).toEqual([11])
  })
})
