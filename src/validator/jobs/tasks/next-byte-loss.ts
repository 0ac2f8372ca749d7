/**
 * A byte-level language model made to score on the contributor: its `logits` [batch, context, 256]
 * go through LogSoftmax and a gather of each position's next byte (a new input, `targets` int64
 * [batch, context, 1]), and the model's only output becomes `nll` [batch, context, 1], −ln p of that
 * byte. A text-score result is then 256 times smaller than the logits it replaces.
 *
 * The rewrite decodes the model with Tessera's ONNX subset (src/gpu/ort/onnx.proto). It is done only
 * when that subset holds the whole file (the re-encoded original is byte for byte the original:
 * models Tessera exported, and others without the fields the subset lacks); otherwise the job keeps
 * the model as it is and its results carry the logits.
 */
import { equals } from 'uint8arrays/equals'
import { ModelProto, type ValueInfoProto } from '../../../gpu/ort/onnx.ts'
import { ONNX_FLOAT, ONNX_INT64 } from '../../../gpu/ort/onnx-model.ts'

const tensor = (name: string, elemType: number, dims: number[]): ValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d, dimParam: '' })) } } },
})

const node = (opType: string, input: string[], output: string, axis?: number) => ({
  name: `tessera_${output}`,
  opType,
  input,
  output: [output],
  attribute:
    axis == null
      ? []
      : [{ name: 'axis', f: 0, i: axis, s: new Uint8Array(0), ints: [] as number[], type: 2 }],
})

/** The rewritten model, or undefined when this model cannot be rewritten without loss. */
export function withNextByteLoss(model: Uint8Array, batch: number, context: number): Uint8Array | undefined {
  let proto: ModelProto
  try {
    proto = ModelProto.decode(model)
  } catch {
    return undefined
  }
  const graph = proto.graph
  if (graph == null || !equals(ModelProto.encode(proto), model)) return undefined
  if (!graph.output.some((o) => o.name === 'logits') || graph.input.some((i) => i.name === 'targets'))
    return undefined
  return ModelProto.encode({
    ...proto,
    graph: {
      ...graph,
      input: [...graph.input, tensor('targets', ONNX_INT64, [batch, context, 1])],
      output: [tensor('nll', ONNX_FLOAT, [batch, context, 1])],
      node: [
        ...graph.node,
        // axis 2, not -1: the ONNX subset's writer encodes negative int64 attributes wrongly.
        node('LogSoftmax', ['logits'], 'tessera_logp', 2),
        node('GatherElements', ['tessera_logp', 'targets'], 'tessera_gathered', 2),
        node('Neg', ['tessera_gathered'], 'nll'),
      ],
    },
  })
}
