/**
 * A small multilayer perceptron that Tessera writes as an ONNX model itself, with weights fixed by a
 * seed: Gemm + ReLU layers, softmax-free logits out. Used as the embedded `infer` model and in tests;
 * `mlpForwardRef` is its CPU reference.
 */
import { gemmRef } from '../../gpu/kernels/gemm.ref.ts'
import { encodeModel, type Initializer, type NodeSpec } from '../../gpu/ort/onnx-model.ts'
import { createPrng, mixSeed, uniformMatrix } from '../prng.ts'

export interface MlpSpec {
  seed: number
  /** Layer widths, input first: [16, 64, 64, 10] is 16 inputs, two hidden layers, 10 outputs. */
  widths: number[]
}

export interface MlpWeights {
  w: Float32Array[]
  b: Float32Array[]
}

export function mlpWeights(spec: MlpSpec): MlpWeights {
  const w: Float32Array[] = []
  const b: Float32Array[] = []
  for (let l = 0; l + 1 < spec.widths.length; l++) {
    const [fanIn, fanOut] = [spec.widths[l], spec.widths[l + 1]]
    const limit = Math.sqrt(6 / (fanIn + fanOut))
    w.push(uniformMatrix(createPrng(mixSeed(spec.seed, 0x77, l)), fanIn * fanOut, -limit, limit))
    b.push(uniformMatrix(createPrng(mixSeed(spec.seed, 0x62, l)), fanOut, -0.1, 0.1))
  }
  return { w, b }
}

/** ONNX model: input `x` [batch, widths[0]] → output `y` [batch, widths.at(-1)], batch symbolic. */
export function mlpModel(spec: MlpSpec): Uint8Array {
  const { w, b } = mlpWeights(spec)
  const nodes: NodeSpec[] = []
  const initializers: Initializer[] = []
  let current = 'x'
  for (let l = 0; l < w.length; l++) {
    const [fanIn, fanOut] = [spec.widths[l], spec.widths[l + 1]]
    initializers.push(
      { name: `w${l}`, dims: [fanIn, fanOut], data: w[l] },
      { name: `b${l}`, dims: [fanOut], data: b[l] },
    )
    const last = l === w.length - 1
    const out = last ? 'y' : `h${l}`
    nodes.push({ op: 'Gemm', inputs: [current, `w${l}`, `b${l}`], outputs: [last ? out : `${out}_pre`] })
    if (!last) nodes.push({ op: 'Relu', inputs: [`${out}_pre`], outputs: [out] })
    current = out
  }
  return encodeModel({
    name: `tessera_mlp_${spec.widths.join('x')}`,
    inputs: [{ name: 'x', dims: ['batch', spec.widths[0]] }],
    outputs: [{ name: 'y', dims: ['batch', spec.widths.at(-1)!] }],
    nodes,
    initializers,
  })
}

export function mlpForwardRef(spec: MlpSpec, x: Float32Array, batch: number): Float32Array {
  const { w, b } = mlpWeights(spec)
  let h = x
  for (let l = 0; l < w.length; l++) {
    const last = l === w.length - 1
    h = gemmRef(h, w[l], batch, spec.widths[l + 1], spec.widths[l], {
      bias: b[l],
      activation: last ? 'none' : 'relu',
    })
  }
  return h
}
