/**
 * Writes small ONNX models: enough to describe a MatMul (the wasm engine's whole model) or a stack of
 * Gemm + activation layers with weights, without a Python toolchain.
 */
import * as onnx from './onnx.ts'

export const ONNX_FLOAT = 1
const IR_VERSION = 8
const OPSET = 17

export type Dim = number | string

export const ONNX_INT64 = 7

export interface ValueInfo {
  name: string
  dims: Dim[]
  /** float32 unless given. */
  dtype?: 'float32' | 'int64'
}

export interface Initializer {
  name: string
  dims: number[]
  data: Float32Array | BigInt64Array
}

/** An attribute: an integer, `{ f }` a float, or a list of integers. */
export type Attribute = number | { f: number } | number[]

export interface NodeSpec {
  op: string
  inputs: string[]
  outputs: string[]
  attributes?: Record<string, Attribute>
}

// AttributeProto.AttributeType
const ATTRIBUTE_FLOAT = 1
const ATTRIBUTE_INT = 2
const ATTRIBUTE_INTS = 7

function attribute(name: string, a: Attribute): onnx.AttributeProto {
  const empty = { name, f: 0, i: 0, s: new Uint8Array(0), ints: [] as number[] }
  if (Array.isArray(a)) return { ...empty, ints: a, type: ATTRIBUTE_INTS }
  if (typeof a === 'object') return { ...empty, f: a.f, type: ATTRIBUTE_FLOAT }
  return { ...empty, i: a, type: ATTRIBUTE_INT }
}

export interface GraphSpec {
  name: string
  inputs: ValueInfo[]
  outputs: ValueInfo[]
  nodes: NodeSpec[]
  initializers?: Initializer[]
}

function valueInfo(v: ValueInfo): onnx.ValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: v.dtype === 'int64' ? ONNX_INT64 : ONNX_FLOAT,
        shape: {
          dim: v.dims.map((d) =>
            typeof d === 'number' ? { dimValue: d, dimParam: '' } : { dimValue: 0, dimParam: d },
          ),
        },
      },
    },
  }
}

export function encodeModel(graph: GraphSpec): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    producerName: 'tessera',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      node: graph.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([name, a]) => attribute(name, a)),
      })),
      initializer: (graph.initializers ?? []).map((t) => ({
        name: t.name,
        dims: t.dims,
        dataType: t.data instanceof BigInt64Array ? ONNX_INT64 : ONNX_FLOAT,
        rawData: new Uint8Array(
          t.data.buffer,
          t.data.byteOffset,
          t.data.byteLength,
        ) as Uint8Array<ArrayBuffer>,
      })),
    },
  })
}

/** Y (M x N) = A (M x K) · B (K x N), all dimensions symbolic: one model serves every shard shape. */
export function matmulModel(): Uint8Array {
  return encodeModel({
    name: 'tessera_matmul',
    inputs: [
      { name: 'A', dims: ['M', 'K'] },
      { name: 'B', dims: ['K', 'N'] },
    ],
    outputs: [{ name: 'Y', dims: ['M', 'N'] }],
    nodes: [{ op: 'MatMul', inputs: ['A', 'B'], outputs: ['Y'] }],
  })
}
