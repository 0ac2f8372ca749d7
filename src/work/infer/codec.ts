/** Grant and result payloads of the `infer` kind: a model's named tensors, batch by batch. */
import { bytesOf, Check, decodeWithin, type Check as FieldCheck } from '../../protocol/check.ts'
import type { NamedTensor, PayloadCodec } from '../kind.ts'
import * as pb from './messages.ts'

/** Tensors per batch (inputs or outputs of one model run). */
export const MAX_TENSORS = 16
/** Rank 0 (scalars) to 4 covers batch × channel × height × width. */
export const MAX_RANK = 4
/** Batches in one grant: enough for a fast device's second of small-model work. */
export const MAX_BATCHES = 256
/** Elements across all tensors of one payload: 4 Mi (16 MiB of f32). */
export const MAX_ELEMENTS = 4 * 1024 * 1024
const MAX_DIM = 65_536
const ENVELOPE = 64 * 1024
/** ONNX tensor names: identifiers with the separators exporters use. */
const TENSOR_NAME = /^[A-Za-z0-9._:/-]{1,128}$/

export interface InferGrant {
  /** sha256 (hex) of the ONNX model. */
  model: string
  /** Declared cost of one batch. */
  flopsPerBatch: number
  /** Each batch is one run of the model: its inputs. */
  batches: NamedTensor[][]
}

export interface InferResult {
  /** One entry per batch of the grant, in order: the model's outputs. */
  batches: NamedTensor[][]
}

function tensorOf(t: NamedTensor): pb.Tensor {
  return { name: t.name, dtype: t.dtype === 'float32' ? 0 : 1, shape: t.shape, data: bytesOf(t.data) }
}

/** Checks one batch's tensors, counting their elements into `budget`. */
function checkBatch(
  c: FieldCheck,
  field: string,
  tensors: pb.Tensor[],
  budget: { elements: number },
): NamedTensor[] {
  if (tensors.length === 0) c.fail(field, 'must hold at least one tensor')
  if (tensors.length > MAX_TENSORS) c.fail(field, `must hold at most ${MAX_TENSORS} tensors`)
  const names = new Set<string>()
  return tensors.map((t, i) => {
    const f = `${field}[${i}]`
    if (!TENSOR_NAME.test(t.name)) c.fail(`${f}.name`, 'is not a tensor name')
    if (names.has(t.name)) c.fail(`${f}.name`, `repeats "${t.name}"`)
    names.add(t.name)
    if (t.dtype !== 0 && t.dtype !== 1) c.fail(`${f}.dtype`, 'must be 0 (f32) or 1 (i64)')
    if (t.shape.length > MAX_RANK) c.fail(`${f}.shape`, `has rank over ${MAX_RANK}`)
    for (const [j, d] of t.shape.entries()) c.int(`${f}.shape[${j}]`, d, 1, MAX_DIM)
    const elements = t.shape.reduce((a, b) => a * b, 1)
    budget.elements += elements
    if (budget.elements > MAX_ELEMENTS) c.fail(field, `brings the payload over ${MAX_ELEMENTS} elements`)
    const width = t.dtype === 0 ? 4 : 8
    if (t.data.byteLength !== elements * width) {
      c.fail(
        `${f}.data`,
        `must be ${elements * width} bytes for shape [${t.shape.join(', ')}], got ${t.data.byteLength}`,
      )
    }
    const copy = new Uint8Array(t.data.byteLength)
    copy.set(t.data)
    return {
      name: t.name,
      dtype: t.dtype === 0 ? ('float32' as const) : ('int64' as const),
      shape: [...t.shape],
      data: t.dtype === 0 ? new Float32Array(copy.buffer) : new BigInt64Array(copy.buffer),
    }
  })
}

function checkBatches(c: FieldCheck, batches: pb.Batch[]): NamedTensor[][] {
  if (batches.length === 0) c.fail('batches', 'must hold at least one batch')
  const budget = { elements: 0 }
  return batches.map((b, i) => checkBatch(c, `batches[${i}]`, b.tensors, budget))
}

const limits = {
  limits: { batches: MAX_BATCHES, batches$: { tensors: MAX_TENSORS, tensors$: { shape: MAX_RANK } } },
}

export const grantCodec: PayloadCodec<InferGrant> = {
  maxBytes: MAX_ELEMENTS * 8 + ENVELOPE,
  encode: (g) =>
    pb.InferGrant.encode({
      model: g.model,
      flopsPerBatch: g.flopsPerBatch,
      batches: g.batches.map((tensors) => ({ tensors: tensors.map(tensorOf) })),
    }),
  decode(bytes) {
    const raw = decodeWithin('InferGrant', this.maxBytes, bytes, (b) => pb.InferGrant.decode(b, limits))
    const c = new Check('InferGrant')
    return {
      model: c.sha256Hex('model', raw.model),
      flopsPerBatch: c.int('flopsPerBatch', raw.flopsPerBatch, 1, Number.MAX_SAFE_INTEGER),
      batches: checkBatches(c, raw.batches),
    }
  },
}

export const resultCodec: PayloadCodec<InferResult> = {
  maxBytes: MAX_ELEMENTS * 8 + ENVELOPE,
  encode: (r) =>
    pb.InferResult.encode({ batches: r.batches.map((tensors) => ({ tensors: tensors.map(tensorOf) })) }),
  decode(bytes) {
    const raw = decodeWithin('InferResult', this.maxBytes, bytes, (b) => pb.InferResult.decode(b, limits))
    return { batches: checkBatches(new Check('InferResult'), raw.batches) }
  },
}
