import { describe, expect, it } from 'vitest'
import { createNodeOnnx } from '../onnx-node.ts'
import { createPrng, uniformMatrix } from '../prng.ts'
import { mlpForwardRef, mlpModel } from './mlp.ts'
import { compareAll, compareOutputs } from './tolerance.ts'

const spec = { seed: 7, widths: [16, 64, 64, 10] }

async function run(batch: number, x: Float32Array): Promise<Float32Array> {
  const onnx = createNodeOnnx()
  try {
    const [y] = await onnx.run('mlp', async () => mlpModel(spec), [
      { name: 'x', dtype: 'float32', shape: [batch, 16], data: x },
    ])
    return y.data as Float32Array
  } finally {
    await onnx.close()
  }
}

describe('generated MLP model', () => {
  it('runs in onnxruntime-node and matches its CPU reference within the inference tolerance', async () => {
    const batch = 9
    const x = uniformMatrix(createPrng(1), batch * 16, -1, 1)
    const y = await run(batch, x)
    expect(y.length).toBe(batch * 10)
    expect(compareOutputs(y, mlpForwardRef(spec, x, batch)).ok).toBe(true)
  })

  it('is deterministic from its seed', () => {
    expect(mlpModel(spec)).toEqual(mlpModel(spec))
    expect(mlpModel({ ...spec, seed: 8 })).not.toEqual(mlpModel(spec))
  })
})

describe('comparing a claim with the recomputation', () => {
  it('accepts honest outputs and rejects tampered, zeroed and missing ones', async () => {
    const batch = 4
    const x = uniformMatrix(createPrng(2), batch * 16, -1, 1)
    const want = { y: await run(batch, x) }
    const honest = mlpForwardRef(spec, x, batch)
    expect(compareAll({ y: honest }, want).ok).toBe(true)
    const tampered = honest.slice()
    tampered[5] += 0.05 * Math.max(...honest.map(Math.abs))
    expect(compareAll({ y: tampered }, want).ok).toBe(false)
    expect(compareAll({ y: new Float32Array(honest.length) }, want).ok).toBe(false)
    expect(compareAll({}, want).ok).toBe(false)
  })
})
