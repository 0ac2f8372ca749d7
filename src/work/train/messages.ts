import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ModelShape {
  vocab: number
  layers: number
  width: number
  heads: number
  context: number
}

export namespace ModelShape {
  let _codec: Codec<ModelShape>

  export const codec = (): Codec<ModelShape> => {
    if (_codec == null) {
      _codec = message<ModelShape>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.vocab != null && obj.vocab !== 0)) {
          w.uint32(8)
          w.uint32(obj.vocab)
        }

        if ((obj.layers != null && obj.layers !== 0)) {
          w.uint32(16)
          w.uint32(obj.layers)
        }

        if ((obj.width != null && obj.width !== 0)) {
          w.uint32(24)
          w.uint32(obj.width)
        }

        if ((obj.heads != null && obj.heads !== 0)) {
          w.uint32(32)
          w.uint32(obj.heads)
        }

        if ((obj.context != null && obj.context !== 0)) {
          w.uint32(40)
          w.uint32(obj.context)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          vocab: 0,
          layers: 0,
          width: 0,
          heads: 0,
          context: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.vocab = reader.uint32()
              break
            }
            case 2: {
              obj.layers = reader.uint32()
              break
            }
            case 3: {
              obj.width = reader.uint32()
              break
            }
            case 4: {
              obj.heads = reader.uint32()
              break
            }
            case 5: {
              obj.context = reader.uint32()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.vocab`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.layers`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.width`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.heads`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.context`,
                value: reader.uint32()
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

  export interface ModelShapeVocabFieldEvent {
    field: '$.vocab'
    value: number
  }

  export interface ModelShapeLayersFieldEvent {
    field: '$.layers'
    value: number
  }

  export interface ModelShapeWidthFieldEvent {
    field: '$.width'
    value: number
  }

  export interface ModelShapeHeadsFieldEvent {
    field: '$.heads'
    value: number
  }

  export interface ModelShapeContextFieldEvent {
    field: '$.context'
    value: number
  }

  export function encode (obj: Partial<ModelShape>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ModelShape.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelShape>): ModelShape {
    return decodeMessage(buf, ModelShape.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ModelShape>): Generator<ModelShapeVocabFieldEvent | ModelShapeLayersFieldEvent | ModelShapeWidthFieldEvent | ModelShapeHeadsFieldEvent | ModelShapeContextFieldEvent> {
    return streamMessage(buf, ModelShape.codec(), opts)
  }
}

export interface LocalOptimizer {
  steps: number
  lr: number
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
}

export namespace LocalOptimizer {
  let _codec: Codec<LocalOptimizer>

  export const codec = (): Codec<LocalOptimizer> => {
    if (_codec == null) {
      _codec = message<LocalOptimizer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.steps != null && obj.steps !== 0)) {
          w.uint32(8)
          w.uint32(obj.steps)
        }

        if ((obj.lr != null && obj.lr !== 0)) {
          w.uint32(21)
          w.float(obj.lr)
        }

        if ((obj.beta1 != null && obj.beta1 !== 0)) {
          w.uint32(29)
          w.float(obj.beta1)
        }

        if ((obj.beta2 != null && obj.beta2 !== 0)) {
          w.uint32(37)
          w.float(obj.beta2)
        }

        if ((obj.eps != null && obj.eps !== 0)) {
          w.uint32(45)
          w.float(obj.eps)
        }

        if ((obj.weightDecay != null && obj.weightDecay !== 0)) {
          w.uint32(53)
          w.float(obj.weightDecay)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          steps: 0,
          lr: 0,
          beta1: 0,
          beta2: 0,
          eps: 0,
          weightDecay: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.steps = reader.uint32()
              break
            }
            case 2: {
              obj.lr = reader.float()
              break
            }
            case 3: {
              obj.beta1 = reader.float()
              break
            }
            case 4: {
              obj.beta2 = reader.float()
              break
            }
            case 5: {
              obj.eps = reader.float()
              break
            }
            case 6: {
              obj.weightDecay = reader.float()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.steps`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.lr`,
                value: reader.float()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.beta1`,
                value: reader.float()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.beta2`,
                value: reader.float()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.eps`,
                value: reader.float()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.weightDecay`,
                value: reader.float()
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

  export interface LocalOptimizerStepsFieldEvent {
    field: '$.steps'
    value: number
  }

  export interface LocalOptimizerLrFieldEvent {
    field: '$.lr'
    value: number
  }

  export interface LocalOptimizerBeta1FieldEvent {
    field: '$.beta1'
    value: number
  }

  export interface LocalOptimizerBeta2FieldEvent {
    field: '$.beta2'
    value: number
  }

  export interface LocalOptimizerEpsFieldEvent {
    field: '$.eps'
    value: number
  }

  export interface LocalOptimizerWeightDecayFieldEvent {
    field: '$.weightDecay'
    value: number
  }

  export function encode (obj: Partial<LocalOptimizer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LocalOptimizer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LocalOptimizer>): LocalOptimizer {
    return decodeMessage(buf, LocalOptimizer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LocalOptimizer>): Generator<LocalOptimizerStepsFieldEvent | LocalOptimizerLrFieldEvent | LocalOptimizerBeta1FieldEvent | LocalOptimizerBeta2FieldEvent | LocalOptimizerEpsFieldEvent | LocalOptimizerWeightDecayFieldEvent> {
    return streamMessage(buf, LocalOptimizer.codec(), opts)
  }
}

export interface TrainGrant {
  weights: string
  step: number
  model?: ModelShape
  corpus: string
  offsets: number[]
  microBatch: number
  seed: number
  local?: LocalOptimizer
  block: number
  lora?: Lora
}

export namespace TrainGrant {
  let _codec: Codec<TrainGrant>

  export const codec = (): Codec<TrainGrant> => {
    if (_codec == null) {
      _codec = message<TrainGrant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.weights != null && obj.weights !== '')) {
          w.uint32(10)
          w.string(obj.weights)
        }

        if ((obj.step != null && obj.step !== 0)) {
          w.uint32(16)
          w.uint32(obj.step)
        }

        if (obj.model != null) {
          w.uint32(26)
          ModelShape.codec().encode(obj.model, w)
        }

        if ((obj.corpus != null && obj.corpus !== '')) {
          w.uint32(34)
          w.string(obj.corpus)
        }

        if (obj.offsets != null && obj.offsets.length > 0) {
          for (const value of obj.offsets) {
            w.uint32(40)
            w.uint32(value)
          }
        }

        if ((obj.microBatch != null && obj.microBatch !== 0)) {
          w.uint32(48)
          w.uint32(obj.microBatch)
        }

        if ((obj.seed != null && obj.seed !== 0)) {
          w.uint32(56)
          w.uint32(obj.seed)
        }

        if (obj.local != null) {
          w.uint32(66)
          LocalOptimizer.codec().encode(obj.local, w)
        }

        if ((obj.block != null && obj.block !== 0)) {
          w.uint32(72)
          w.uint32(obj.block)
        }

        if (obj.lora != null) {
          w.uint32(82)
          Lora.codec().encode(obj.lora, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          weights: '',
          step: 0,
          corpus: '',
          offsets: [],
          microBatch: 0,
          seed: 0,
          block: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.weights = reader.string()
              break
            }
            case 2: {
              obj.step = reader.uint32()
              break
            }
            case 3: {
              obj.model = ModelShape.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.model
              })
              break
            }
            case 4: {
              obj.corpus = reader.string()
              break
            }
            case 5: {
              const pushoffsets = (): void => {
                if (opts.limits?.offsets != null && obj.offsets.length === opts.limits.offsets) {
                  throw new MaxLengthError('Decode error - repeated field "offsets" had too many elements')
                }
                obj.offsets.push(reader.uint32())
              }
              // packed (wire type 2, the proto3 default) or one element per tag
              if ((tag & 7) === 2) {
                const packedEnd = reader.uint32() + reader.pos
                while (reader.pos < packedEnd) pushoffsets()
              } else {
                pushoffsets()
              }
              break
            }
            case 6: {
              obj.microBatch = reader.uint32()
              break
            }
            case 7: {
              obj.seed = reader.uint32()
              break
            }
            case 8: {
              obj.local = LocalOptimizer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.local
              })
              break
            }
            case 9: {
              obj.block = reader.uint32()
              break
            }
            case 10: {
              obj.lora = Lora.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.lora
              })
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
          offsets: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.weights`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.step`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield * ModelShape.codec().stream(reader, reader.uint32(), `${prefix}.model`, {
                limits: opts.limits?.model
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.corpus`,
                value: reader.string()
              }
              break
            }
            case 5: {
              if (opts.limits?.offsets != null && obj.offsets === opts.limits.offsets) {
                throw new MaxLengthError('Streaming decode error - repeated field "offsets" had too many elements')
              }

              yield {
                field: `${prefix}.offsets[]`,
                index: obj.offsets,
                value: reader.uint32()
              }

              obj.offsets++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.microBatch`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.seed`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield * LocalOptimizer.codec().stream(reader, reader.uint32(), `${prefix}.local`, {
                limits: opts.limits?.local
              })

              break
            }
            case 9: {
              yield {
                field: `${prefix}.block`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield * Lora.codec().stream(reader, reader.uint32(), `${prefix}.lora`, {
                limits: opts.limits?.lora
              })

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

  export interface TrainGrantWeightsFieldEvent {
    field: '$.weights'
    value: string
  }

  export interface TrainGrantStepFieldEvent {
    field: '$.step'
    value: number
  }

  export interface TrainGrantModelVocabFieldEvent {
    field: '$.model.vocab'
    value: number
  }

  export interface TrainGrantModelLayersFieldEvent {
    field: '$.model.layers'
    value: number
  }

  export interface TrainGrantModelWidthFieldEvent {
    field: '$.model.width'
    value: number
  }

  export interface TrainGrantModelHeadsFieldEvent {
    field: '$.model.heads'
    value: number
  }

  export interface TrainGrantModelContextFieldEvent {
    field: '$.model.context'
    value: number
  }

  export interface TrainGrantCorpusFieldEvent {
    field: '$.corpus'
    value: string
  }

  export interface TrainGrantOffsetsFieldEvent {
    field: '$.offsets[]'
    index: number
    value: number
  }

  export interface TrainGrantMicroBatchFieldEvent {
    field: '$.microBatch'
    value: number
  }

  export interface TrainGrantSeedFieldEvent {
    field: '$.seed'
    value: number
  }

  export interface TrainGrantLocalStepsFieldEvent {
    field: '$.local.steps'
    value: number
  }

  export interface TrainGrantLocalLrFieldEvent {
    field: '$.local.lr'
    value: number
  }

  export interface TrainGrantLocalBeta1FieldEvent {
    field: '$.local.beta1'
    value: number
  }

  export interface TrainGrantLocalBeta2FieldEvent {
    field: '$.local.beta2'
    value: number
  }

  export interface TrainGrantLocalEpsFieldEvent {
    field: '$.local.eps'
    value: number
  }

  export interface TrainGrantLocalWeightDecayFieldEvent {
    field: '$.local.weightDecay'
    value: number
  }

  export interface TrainGrantBlockFieldEvent {
    field: '$.block'
    value: number
  }

  export interface TrainGrantLoraBaseFieldEvent {
    field: '$.lora.base'
    value: string
  }

  export interface TrainGrantLoraRankFieldEvent {
    field: '$.lora.rank'
    value: number
  }

  export interface TrainGrantLoraAlphaFieldEvent {
    field: '$.lora.alpha'
    value: number
  }

  export function encode (obj: Partial<TrainGrant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TrainGrant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TrainGrant>): TrainGrant {
    return decodeMessage(buf, TrainGrant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TrainGrant>): Generator<TrainGrantWeightsFieldEvent | TrainGrantStepFieldEvent | TrainGrantModelVocabFieldEvent | TrainGrantModelLayersFieldEvent | TrainGrantModelWidthFieldEvent | TrainGrantModelHeadsFieldEvent | TrainGrantModelContextFieldEvent | TrainGrantCorpusFieldEvent | TrainGrantOffsetsFieldEvent | TrainGrantMicroBatchFieldEvent | TrainGrantSeedFieldEvent | TrainGrantLocalStepsFieldEvent | TrainGrantLocalLrFieldEvent | TrainGrantLocalBeta1FieldEvent | TrainGrantLocalBeta2FieldEvent | TrainGrantLocalEpsFieldEvent | TrainGrantLocalWeightDecayFieldEvent | TrainGrantBlockFieldEvent | TrainGrantLoraBaseFieldEvent | TrainGrantLoraRankFieldEvent | TrainGrantLoraAlphaFieldEvent> {
    return streamMessage(buf, TrainGrant.codec(), opts)
  }
}

export interface Lora {
  base: string
  rank: number
  alpha: number
}

export namespace Lora {
  let _codec: Codec<Lora>

  export const codec = (): Codec<Lora> => {
    if (_codec == null) {
      _codec = message<Lora>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.base != null && obj.base !== '')) {
          w.uint32(10)
          w.string(obj.base)
        }

        if ((obj.rank != null && obj.rank !== 0)) {
          w.uint32(16)
          w.uint32(obj.rank)
        }

        if ((obj.alpha != null && obj.alpha !== 0)) {
          w.uint32(29)
          w.float(obj.alpha)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          base: '',
          rank: 0,
          alpha: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.base = reader.string()
              break
            }
            case 2: {
              obj.rank = reader.uint32()
              break
            }
            case 3: {
              obj.alpha = reader.float()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.base`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.rank`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.alpha`,
                value: reader.float()
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

  export interface LoraBaseFieldEvent {
    field: '$.base'
    value: string
  }

  export interface LoraRankFieldEvent {
    field: '$.rank'
    value: number
  }

  export interface LoraAlphaFieldEvent {
    field: '$.alpha'
    value: number
  }

  export function encode (obj: Partial<Lora>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Lora.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Lora>): Lora {
    return decodeMessage(buf, Lora.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Lora>): Generator<LoraBaseFieldEvent | LoraRankFieldEvent | LoraAlphaFieldEvent> {
    return streamMessage(buf, Lora.codec(), opts)
  }
}

export interface TrainResult {
  loss: number
  length: number
  block: number
  scales: Uint8Array<ArrayBuffer>
  values: Uint8Array<ArrayBuffer>
}

export namespace TrainResult {
  let _codec: Codec<TrainResult>

  export const codec = (): Codec<TrainResult> => {
    if (_codec == null) {
      _codec = message<TrainResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.loss != null && obj.loss !== 0)) {
          w.uint32(13)
          w.float(obj.loss)
        }

        if ((obj.length != null && obj.length !== 0)) {
          w.uint32(16)
          w.uint32(obj.length)
        }

        if ((obj.block != null && obj.block !== 0)) {
          w.uint32(24)
          w.uint32(obj.block)
        }

        if ((obj.scales != null && obj.scales.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.scales)
        }

        if ((obj.values != null && obj.values.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.values)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          loss: 0,
          length: 0,
          block: 0,
          scales: uint8ArrayAlloc(0),
          values: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.loss = reader.float()
              break
            }
            case 2: {
              obj.length = reader.uint32()
              break
            }
            case 3: {
              obj.block = reader.uint32()
              break
            }
            case 4: {
              obj.scales = reader.bytes()
              break
            }
            case 5: {
              obj.values = reader.bytes()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.loss`,
                value: reader.float()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.length`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.block`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.scales`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.values`,
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

  export interface TrainResultLossFieldEvent {
    field: '$.loss'
    value: number
  }

  export interface TrainResultLengthFieldEvent {
    field: '$.length'
    value: number
  }

  export interface TrainResultBlockFieldEvent {
    field: '$.block'
    value: number
  }

  export interface TrainResultScalesFieldEvent {
    field: '$.scales'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TrainResultValuesFieldEvent {
    field: '$.values'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<TrainResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TrainResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TrainResult>): TrainResult {
    return decodeMessage(buf, TrainResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TrainResult>): Generator<TrainResultLossFieldEvent | TrainResultLengthFieldEvent | TrainResultBlockFieldEvent | TrainResultScalesFieldEvent | TrainResultValuesFieldEvent> {
    return streamMessage(buf, TrainResult.codec(), opts)
  }
}
