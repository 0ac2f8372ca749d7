import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Tensor {
  name: string
  dtype: number
  shape: number[]
  data: Uint8Array<ArrayBuffer>
}

export namespace Tensor {
  let _codec: Codec<Tensor>

  export const codec = (): Codec<Tensor> => {
    if (_codec == null) {
      _codec = message<Tensor>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.dtype != null && obj.dtype !== 0)) {
          w.uint32(16)
          w.uint32(obj.dtype)
        }

        if (obj.shape != null && obj.shape.length > 0) {
          for (const value of obj.shape) {
            w.uint32(24)
            w.uint32(value)
          }
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          dtype: 0,
          shape: [],
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.dtype = reader.uint32()
              break
            }
            case 3: {
              const pushshape = (): void => {
                if (opts.limits?.shape != null && obj.shape.length === opts.limits.shape) {
                  throw new MaxLengthError('Decode error - repeated field "shape" had too many elements')
                }
                obj.shape.push(reader.uint32())
              }
              // packed (wire type 2, the proto3 default) or one element per tag
              if ((tag & 7) === 2) {
                const packedEnd = reader.uint32() + reader.pos
                while (reader.pos < packedEnd) pushshape()
              } else {
                pushshape()
              }
              break
            }
            case 4: {
              obj.data = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          shape: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.dtype`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              if (opts.limits?.shape != null && obj.shape === opts.limits.shape) {
                throw new MaxLengthError('Streaming decode error - repeated field "shape" had too many elements')
              }

              yield {
                field: `${prefix}.shape[]`,
                index: obj.shape,
                value: reader.uint32()
              }

              obj.shape++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface TensorNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface TensorDtypeFieldEvent {
    field: '$.dtype'
    value: number
  }

  export interface TensorShapeFieldEvent {
    field: '$.shape[]'
    index: number
    value: number
  }

  export interface TensorDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Tensor>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Tensor.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Tensor>): Tensor {
    return decodeMessage(buf, Tensor.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Tensor>): Generator<TensorNameFieldEvent | TensorDtypeFieldEvent | TensorShapeFieldEvent | TensorDataFieldEvent> {
    return streamMessage(buf, Tensor.codec(), opts)
  }
}

export interface Batch {
  tensors: Tensor[]
}

export namespace Batch {
  let _codec: Codec<Batch>

  export const codec = (): Codec<Batch> => {
    if (_codec == null) {
      _codec = message<Batch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.tensors != null && obj.tensors.length > 0) {
          for (const value of obj.tensors) {
            w.uint32(10)
            Tensor.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          tensors: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.tensors != null && obj.tensors.length === opts.limits.tensors) {
                throw new MaxLengthError('Decode error - repeated field "tensors" had too many elements')
              }

              obj.tensors.push(Tensor.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.tensors$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          tensors: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.tensors != null && obj.tensors === opts.limits.tensors) {
                throw new MaxLengthError('Streaming decode error - repeated field "tensors" had too many elements')
              }

              for (const evt of Tensor.codec().stream(reader, reader.uint32(), `${prefix}.tensors[]`, {
                limits: opts.limits?.tensors$
              })) {
                yield {
                  ...evt,
                  index: obj.tensors
                }
              }

              obj.tensors++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface BatchTensorsNameFieldEvent {
    field: '$.tensors[].name'
    value: string
    index: number
  }

  export interface BatchTensorsDtypeFieldEvent {
    field: '$.tensors[].dtype'
    value: number
    index: number
  }

  export interface BatchTensorsShapeFieldEvent {
    field: '$.tensors[].shape[]'
    index: number
    value: number
  }

  export interface BatchTensorsDataFieldEvent {
    field: '$.tensors[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<Batch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Batch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Batch>): Batch {
    return decodeMessage(buf, Batch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Batch>): Generator<BatchTensorsNameFieldEvent | BatchTensorsDtypeFieldEvent | BatchTensorsShapeFieldEvent | BatchTensorsDataFieldEvent> {
    return streamMessage(buf, Batch.codec(), opts)
  }
}

export interface InferGrant {
  model: string
  flopsPerBatch: number
  batches: Batch[]
}

export namespace InferGrant {
  let _codec: Codec<InferGrant>

  export const codec = (): Codec<InferGrant> => {
    if (_codec == null) {
      _codec = message<InferGrant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(10)
          w.string(obj.model)
        }

        if ((obj.flopsPerBatch != null && obj.flopsPerBatch !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.flopsPerBatch)
        }

        if (obj.batches != null && obj.batches.length > 0) {
          for (const value of obj.batches) {
            w.uint32(26)
            Batch.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          model: '',
          flopsPerBatch: 0,
          batches: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.model = reader.string()
              break
            }
            case 2: {
              obj.flopsPerBatch = reader.uint64Number()
              break
            }
            case 3: {
              if (opts.limits?.batches != null && obj.batches.length === opts.limits.batches) {
                throw new MaxLengthError('Decode error - repeated field "batches" had too many elements')
              }

              obj.batches.push(Batch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.batches$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          batches: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.model`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.flopsPerBatch`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              if (opts.limits?.batches != null && obj.batches === opts.limits.batches) {
                throw new MaxLengthError('Streaming decode error - repeated field "batches" had too many elements')
              }

              for (const evt of Batch.codec().stream(reader, reader.uint32(), `${prefix}.batches[]`, {
                limits: opts.limits?.batches$
              })) {
                yield {
                  ...evt,
                  index: obj.batches
                }
              }

              obj.batches++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InferGrantModelFieldEvent {
    field: '$.model'
    value: string
  }

  export interface InferGrantFlopsPerBatchFieldEvent {
    field: '$.flopsPerBatch'
    value: number
  }

  export interface InferGrantBatchesTensorsNameFieldEvent {
    field: '$.batches[].tensors[].name'
    value: string
    index: number
  }

  export interface InferGrantBatchesTensorsDtypeFieldEvent {
    field: '$.batches[].tensors[].dtype'
    value: number
    index: number
  }

  export interface InferGrantBatchesTensorsShapeFieldEvent {
    field: '$.batches[].tensors[].shape[]'
    index: number
    value: number
  }

  export interface InferGrantBatchesTensorsDataFieldEvent {
    field: '$.batches[].tensors[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<InferGrant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InferGrant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InferGrant>): InferGrant {
    return decodeMessage(buf, InferGrant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InferGrant>): Generator<InferGrantModelFieldEvent | InferGrantFlopsPerBatchFieldEvent | InferGrantBatchesTensorsNameFieldEvent | InferGrantBatchesTensorsDtypeFieldEvent | InferGrantBatchesTensorsShapeFieldEvent | InferGrantBatchesTensorsDataFieldEvent> {
    return streamMessage(buf, InferGrant.codec(), opts)
  }
}

export interface InferResult {
  batches: Batch[]
}

export namespace InferResult {
  let _codec: Codec<InferResult>

  export const codec = (): Codec<InferResult> => {
    if (_codec == null) {
      _codec = message<InferResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.batches != null && obj.batches.length > 0) {
          for (const value of obj.batches) {
            w.uint32(10)
            Batch.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          batches: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.batches != null && obj.batches.length === opts.limits.batches) {
                throw new MaxLengthError('Decode error - repeated field "batches" had too many elements')
              }

              obj.batches.push(Batch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.batches$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          batches: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.batches != null && obj.batches === opts.limits.batches) {
                throw new MaxLengthError('Streaming decode error - repeated field "batches" had too many elements')
              }

              for (const evt of Batch.codec().stream(reader, reader.uint32(), `${prefix}.batches[]`, {
                limits: opts.limits?.batches$
              })) {
                yield {
                  ...evt,
                  index: obj.batches
                }
              }

              obj.batches++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InferResultBatchesTensorsNameFieldEvent {
    field: '$.batches[].tensors[].name'
    value: string
    index: number
  }

  export interface InferResultBatchesTensorsDtypeFieldEvent {
    field: '$.batches[].tensors[].dtype'
    value: number
    index: number
  }

  export interface InferResultBatchesTensorsShapeFieldEvent {
    field: '$.batches[].tensors[].shape[]'
    index: number
    value: number
  }

  export interface InferResultBatchesTensorsDataFieldEvent {
    field: '$.batches[].tensors[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<InferResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InferResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InferResult>): InferResult {
    return decodeMessage(buf, InferResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InferResult>): Generator<InferResultBatchesTensorsNameFieldEvent | InferResultBatchesTensorsDtypeFieldEvent | InferResultBatchesTensorsShapeFieldEvent | InferResultBatchesTensorsDataFieldEvent> {
    return streamMessage(buf, InferResult.codec(), opts)
  }
}
