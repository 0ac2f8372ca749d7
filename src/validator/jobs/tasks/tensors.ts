/**
 * `tensors`: any ONNX model, a record's named input tensors (`body.inputs`: name → nested array, in
 * the model's input dtypes, float32 or int64) in, the model's outputs (name → nested array) out.
 * One record is one batch. A record's tensors must match the model's inputs: every name, a shape
 * that agrees with every fixed dimension, whole numbers for int64.
 */
import { gemmFlops } from '../../../work/gemm-flops.ts'
import type { NamedTensor } from '../../../work/kind.ts'
import type { ModelInfo } from '../models.ts'
import { asNpy, NPY_ELEMENTS } from '../npy.ts'
import type { Task } from './index.ts'
import { RecordError } from './text-score.ts'

/** Elements of one record's inputs, all tensors together. */
export const MAX_ELEMENTS = 1 << 20
const DTYPES = new Set(['float32', 'int64'])

type Nested = number | Nested[]

/** The shape and values of a nested array (rectangular, numbers only). */
function flatten(name: string, value: unknown): { shape: number[]; values: number[] } {
  const shape: number[] = []
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length)
  const values: number[] = []
  const walk = (v: unknown, depth: number) => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new RecordError('invalid_tensor', `inputs.${name} holds something other than finite numbers`)
      values.push(v)
      if (values.length > MAX_ELEMENTS)
        throw new RecordError('too_large', `inputs are over ${MAX_ELEMENTS} elements`)
      return
    }
    if (!Array.isArray(v) || v.length !== shape[depth])
      throw new RecordError('invalid_tensor', `inputs.${name} is not a rectangular array`)
    for (const x of v) walk(x, depth + 1)
  }
  walk(value, 0)
  return { shape, values }
}

function tensorsOf(body: unknown, model: ModelInfo): NamedTensor[] {
  const inputs = (body as { inputs?: unknown } | null)?.inputs
  if (inputs == null || typeof inputs !== 'object' || Array.isArray(inputs))
    throw new RecordError('invalid_body', 'body.inputs must be an object of named tensors')
  const given = inputs as Record<string, unknown>
  for (const name of Object.keys(given)) {
    if (!model.inputs.some((i) => i.name === name))
      throw new RecordError('invalid_body', `the model has no input ${name}`)
  }
  let elements = 0
  return model.inputs.map((spec) => {
    if (!Object.hasOwn(given, spec.name))
      throw new RecordError('invalid_body', `body.inputs.${spec.name} is missing`)
    const { shape, values } = flatten(spec.name, given[spec.name])
    elements += values.length
    if (elements > MAX_ELEMENTS)
      throw new RecordError('too_large', `inputs are over ${MAX_ELEMENTS} elements`)
    const fits = shape.length === spec.shape.length && spec.shape.every((d, i) => d < 0 || d === shape[i])
    if (!fits)
      throw new RecordError(
        'invalid_shape',
        `inputs.${spec.name} is [${shape}]; the model takes [${spec.shape}]`,
      )
    if (spec.type === 'int64') {
      if (!values.every(Number.isSafeInteger))
        throw new RecordError('invalid_tensor', `inputs.${spec.name} must be whole numbers`)
      return { name: spec.name, dtype: 'int64', shape, data: BigInt64Array.from(values, (v) => BigInt(v)) }
    }
    return { name: spec.name, dtype: 'float32', shape, data: Float32Array.from(values) }
  })
}

/** A tensor as a nested array of numbers, by its shape. */
function nest(t: NamedTensor): Nested {
  const flat = Array.from(t.data as ArrayLike<number | bigint>, Number)
  const build = (depth: number, at: number): Nested => {
    if (depth === t.shape.length) return flat[at]
    const stride = t.shape.slice(depth + 1).reduce((a, b) => a * b, 1)
    return Array.from({ length: t.shape[depth] }, (_, i) => build(depth + 1, at + i * stride))
  }
  return build(0, 0)
}

export const tensorsTask: Task = {
  name: 'tensors',
  doing: 'Running a model',
  unfit(model) {
    const bad = model.inputs.find((i) => !DTYPES.has(i.type))
    return bad == null ? undefined : `tensors takes float32 and int64 inputs; ${bad.name} is ${bad.type}`
  },
  // The dense layers' products for the rows of the first input (all its dimensions but the last).
  flopsPerBatch(model, info) {
    const first = info.inputs[0]?.shape ?? []
    const rows = first.slice(0, -1).reduce((a, d) => a * Math.max(1, d), 1)
    return gemmFlops(model, rows)
  },
  check: (body, model) => void tensorsOf(body, model),
  // A record is a whole run of the model: its tensors carry their own batch dimension.
  stack: () => undefined,
  start: (body) => body,
  inputs: (body, model) => [tensorsOf(body, model)],
  // A large output goes to a .npy file (npy.ts), a small one inline.
  advance: (_body, _model, [outputs]) => ({
    done: true,
    result: {
      outputs: Object.fromEntries(
        outputs.map((t) => [t.name, t.data.length > NPY_ELEMENTS ? asNpy(t) : nest(t)]),
      ),
    },
  }),
}
