import { describe, expect, it } from 'vitest'
import { createOnnxVerifier } from '../../validator/onnx-verifier.ts'
import { createPrng, uniformMatrix } from '../prng.ts'
import { mlpForwardRef, mlpModel } from './mlp.ts'
import { compareOutputs } from './tolerance.ts'

const spec = { seed: 7, widths: [16, 64, 64, 10] }

describe('generated MLP model', () => {
  it('runs in onnxruntime-node and matches its CPU reference within the inference tolerance', async () => {
    const verifier = createOnnxVerifier({ models: new Map([['mlp', mlpModel(spec)]]) })
    const batch = 9
    const x = uniformMatrix(createPrng(1), batch * 16, -1, 1)
    const { y } = await verifier.recompute('mlp', [{ name: 'x', dims: [batch, 16], data: x }])
    expect(y.length).toBe(batch * 10)
    expect(compareOutputs(y, mlpForwardRef(spec, x, batch)).ok).toBe(true)
    await verifier.close()
  })

  it('is deterministic from its seed', () => {
    expect(mlpModel(spec)).toEqual(mlpModel(spec))
    expect(mlpModel({ ...spec, seed: 8 })).not.toEqual(mlpModel(spec))
  })
})

describe('sampled recompute', () => {
  it('accepts honest outputs and rejects tampered ones', async () => {
    const verifier = createOnnxVerifier({ models: new Map([['mlp', mlpModel(spec)]]) })
    const batch = 4
    const inputs = [{ name: 'x', dims: [batch, 16], data: uniformMatrix(createPrng(2), batch * 16, -1, 1) }]
    const honest = mlpForwardRef(spec, inputs[0].data, batch)
    expect((await verifier.check('mlp', inputs, { y: honest })).ok).toBe(true)
    const tampered = honest.slice()
    tampered[5] += 0.05 * Math.max(...honest.map(Math.abs))
    expect((await verifier.check('mlp', inputs, { y: tampered })).ok).toBe(false)
    expect((await verifier.check('mlp', inputs, { y: new Float32Array(honest.length) })).ok).toBe(false)
    expect((await verifier.check('mlp', inputs, {})).ok).toBe(false)
    await verifier.close()
  })

  it('recomputes every result of a suspect and about the sample rate of the others', () => {
    const random = createPrng(3)
    const verifier = createOnnxVerifier({ models: new Map(), sampleRate: 0.25, random })
    expect(Array.from({ length: 100 }, () => verifier.shouldRecompute(true)).every(Boolean)).toBe(true)
    const sampled = Array.from({ length: 4000 }, () => verifier.shouldRecompute(false)).filter(Boolean).length
    expect(sampled / 4000).toBeGreaterThan(0.22)
    expect(sampled / 4000).toBeLessThan(0.28)
  })
})
