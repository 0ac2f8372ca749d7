/**
 * What a model's dense layers cost, counted from the model file itself: 2·rows·in·out for each Gemm
 * or MatMul node whose second operand is a weight of the file, for `rows` rows of input. Other ops
 * (activations, convolutions, recurrences) are not counted: this is a check of a declared cost for
 * models made of dense layers, not a cost model for every model.
 */
import { ModelProto } from '../gpu/ort/onnx.ts'

export function gemmFlops(model: Uint8Array, rows: number): number {
  const graph = ModelProto.decode(model).graph
  if (graph == null) return 0
  const weights = new Map(graph.initializer.map((t) => [t.name, t.dims]))
  let flops = 0
  for (const node of graph.node) {
    if (node.opType !== 'Gemm' && node.opType !== 'MatMul') continue
    const dims = weights.get(node.input[1])
    if (dims?.length === 2) flops += 2 * rows * dims[0] * dims[1]
  }
  return flops
}
