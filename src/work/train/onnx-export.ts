/**
 * A version of the trained model as an ONNX graph, so the `infer` kind can serve it: next-byte
 * logits for a batch of byte sequences (`tokens`, int64 [batch, context] → `logits`, f32 [batch,
 * context, 256]). The same maths as model.ref.ts in standard opset-17 operators (LayerNormalization,
 * MatMul, Split/Reshape/Transpose for heads, an additive causal mask, Softmax, GELU's tanh form).
 */
import { encodeModel, type Initializer, type NodeSpec } from '../../gpu/ort/onnx-model.ts'
import { type ModelConfig, parameterLayout, view } from './model.ts'

export function exportOnnx(c: ModelConfig, weights: Float32Array, batch: number): Uint8Array {
  const layout = parameterLayout(c)
  const T = c.context
  const d = c.width
  const H = c.heads
  const hd = d / H
  const nodes: NodeSpec[] = []
  const initializers: Initializer[] = layout.params.map((p) => ({
    name: p.name,
    dims: p.shape,
    data: view(weights, p),
  }))
  const f32 = (name: string, dims: number[], data: number[] | Float32Array) =>
    initializers.push({ name, dims, data: Float32Array.from(data) })
  const i64 = (name: string, data: number[]) =>
    initializers.push({ name, dims: [data.length], data: BigInt64Array.from(data.map(BigInt)) })
  f32('scale', [], [1 / Math.sqrt(hd)])
  f32(
    'mask',
    [T, T],
    Float32Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0)),
  )
  f32('gelu.c', [], [0.044715])
  f32('gelu.k', [], [Math.sqrt(2 / Math.PI)])
  f32('half', [], [0.5])
  f32('one', [], [1])
  i64('heads.shape', [batch, T, H, hd])
  i64('model.shape', [batch, T, d])
  i64('qkv.split', [d, d, d])
  const op = (o: string, inputs: string[], output: string, attributes?: NodeSpec['attributes']) => {
    nodes.push({ op: o, inputs, outputs: [output], attributes })
    return output
  }
  const layerNorm = (x: string, prefix: string, out: string) =>
    op('LayerNormalization', [x, `${prefix}.g`, `${prefix}.b`], out, { axis: 2, epsilon: { f: 1e-5 } })

  let x = op('Add', [op('Gather', ['wte', 'tokens'], 'tok', { axis: 0 }), 'wpe'], 'x0')
  for (let l = 0; l < c.layers; l++) {
    const p = `h${l}`
    const ln1 = layerNorm(x, `${p}.ln1`, `${p}.ln1.y`)
    const qkv = op('MatMul', [ln1, `${p}.attn.qkv`], `${p}.qkv`)
    nodes.push({
      op: 'Split',
      inputs: [qkv, 'qkv.split'],
      outputs: [`${p}.q`, `${p}.k`, `${p}.v`],
      attributes: { axis: 2 },
    })
    const heads = (t: string, perm: number[]) =>
      op('Transpose', [op('Reshape', [`${p}.${t}`, 'heads.shape'], `${p}.${t}.r`)], `${p}.${t}.h`, { perm })
    const q = heads('q', [0, 2, 1, 3])
    const kT = heads('k', [0, 2, 3, 1])
    const v = heads('v', [0, 2, 1, 3])
    const scores = op(
      'Add',
      [op('Mul', [op('MatMul', [q, kT], `${p}.s`), 'scale'], `${p}.ss`), 'mask'],
      `${p}.sm`,
    )
    const probs = op('Softmax', [scores], `${p}.p`, { axis: 3 })
    const o = op('Transpose', [op('MatMul', [probs, v], `${p}.o`)], `${p}.ot`, { perm: [0, 2, 1, 3] })
    const att = op('Reshape', [o, 'model.shape'], `${p}.att`)
    const mid = op('Add', [x, op('MatMul', [att, `${p}.attn.proj`], `${p}.proj`)], `${p}.mid`)
    const h = op('MatMul', [layerNorm(mid, `${p}.ln2`, `${p}.ln2.y`), `${p}.mlp.fc`], `${p}.fc`)
    // gelu(h) = 0.5·h·(1 + tanh(√(2/π)·(h + 0.044715·h³)))
    const h3 = op('Mul', [op('Mul', [h, h], `${p}.h2`), h], `${p}.h3`)
    const inner = op(
      'Mul',
      [op('Add', [h, op('Mul', [h3, 'gelu.c'], `${p}.ch3`)], `${p}.u`), 'gelu.k'],
      `${p}.ku`,
    )
    const gelu = op(
      'Mul',
      [op('Mul', [h, 'half'], `${p}.hh`), op('Add', [op('Tanh', [inner], `${p}.t`), 'one'], `${p}.t1`)],
      `${p}.gelu`,
    )
    x = op('Add', [mid, op('MatMul', [gelu, `${p}.mlp.proj`], `${p}.mlp`)], `${p}.out`)
  }
  op('MatMul', [layerNorm(x, 'lnf', 'lnf.y'), 'head'], 'logits')
  return encodeModel({
    name: 'tessera_byte_lm',
    inputs: [{ name: 'tokens', dims: [batch, T], dtype: 'int64' }],
    outputs: [{ name: 'logits', dims: [batch, T, c.vocab] }],
    nodes,
    initializers,
  })
}

/** FLOPs of one batch of the exported model's forward pass (the `infer` kind's flopsPerBatch). */
export function inferFlops(c: ModelConfig, batch: number): number {
  const d = c.width
  const perToken =
    c.layers * (2 * d * 3 * d + 2 * d * d + 2 * 2 * d * 4 * d + 2 * 2 * d * c.context) + 2 * d * c.vocab
  return batch * c.context * perToken
}
