import type { Codec, DecodeOptions } from 'protons-runtime'
import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'

export interface GemmGrant {
  m: number
  n: number
  k: number
  a: Uint8Array<ArrayBuffer>
  weights: string
  weightCols: number
  col0: number
}

export namespace GemmGrant {
  let _codec: Codec<GemmGrant>

  export const codec = (): Codec<GemmGrant> => {
    if (_codec == null) {
      _codec = message<GemmGrant>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.m != null && obj.m !== 0) {
            w.uint32(8)
            w.uint32(obj.m)
          }

          if (obj.n != null && obj.n !== 0) {
            w.uint32(16)
            w.uint32(obj.n)
          }

          if (obj.k != null && obj.k !== 0) {
            w.uint32(24)
            w.uint32(obj.k)
          }

          if (obj.a != null && obj.a.byteLength > 0) {
            w.uint32(34)
            w.bytes(obj.a)
          }

          if (obj.weights != null && obj.weights !== '') {
            w.uint32(42)
            w.string(obj.weights)
          }

          if (obj.weightCols != null && obj.weightCols !== 0) {
            w.uint32(48)
            w.uint32(obj.weightCols)
          }

          if (obj.col0 != null && obj.col0 !== 0) {
            w.uint32(56)
            w.uint32(obj.col0)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            m: 0,
            n: 0,
            k: 0,
            a: uint8ArrayAlloc(0),
            weights: '',
            weightCols: 0,
            col0: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.m = reader.uint32()
                break
              }
              case 2: {
                obj.n = reader.uint32()
                break
              }
              case 3: {
                obj.k = reader.uint32()
                break
              }
              case 4: {
                obj.a = reader.bytes()
                break
              }
              case 5: {
                obj.weights = reader.string()
                break
              }
              case 6: {
                obj.weightCols = reader.uint32()
                break
              }
              case 7: {
                obj.col0 = reader.uint32()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.m`,
                  value: reader.uint32(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.n`,
                  value: reader.uint32(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.k`,
                  value: reader.uint32(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.a`,
                  value: reader.bytes(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.weights`,
                  value: reader.string(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.weightCols`,
                  value: reader.uint32(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.col0`,
                  value: reader.uint32(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface GemmGrantMFieldEvent {
    field: '$.m'
    value: number
  }

  export interface GemmGrantNFieldEvent {
    field: '$.n'
    value: number
  }

  export interface GemmGrantKFieldEvent {
    field: '$.k'
    value: number
  }

  export interface GemmGrantAFieldEvent {
    field: '$.a'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GemmGrantWeightsFieldEvent {
    field: '$.weights'
    value: string
  }

  export interface GemmGrantWeightColsFieldEvent {
    field: '$.weightCols'
    value: number
  }

  export interface GemmGrantCol0FieldEvent {
    field: '$.col0'
    value: number
  }

  export function encode(obj: Partial<GemmGrant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GemmGrant.codec())
  }

  export function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GemmGrant>): GemmGrant {
    return decodeMessage(buf, GemmGrant.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<GemmGrant>,
  ): Generator<
    | GemmGrantMFieldEvent
    | GemmGrantNFieldEvent
    | GemmGrantKFieldEvent
    | GemmGrantAFieldEvent
    | GemmGrantWeightsFieldEvent
    | GemmGrantWeightColsFieldEvent
    | GemmGrantCol0FieldEvent
  > {
    return streamMessage(buf, GemmGrant.codec(), opts)
  }
}

export interface GemmResult {
  m: number
  n: number
  c: Uint8Array<ArrayBuffer>
}

export namespace GemmResult {
  let _codec: Codec<GemmResult>

  export const codec = (): Codec<GemmResult> => {
    if (_codec == null) {
      _codec = message<GemmResult>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.m != null && obj.m !== 0) {
            w.uint32(8)
            w.uint32(obj.m)
          }

          if (obj.n != null && obj.n !== 0) {
            w.uint32(16)
            w.uint32(obj.n)
          }

          if (obj.c != null && obj.c.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.c)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            m: 0,
            n: 0,
            c: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.m = reader.uint32()
                break
              }
              case 2: {
                obj.n = reader.uint32()
                break
              }
              case 3: {
                obj.c = reader.bytes()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.m`,
                  value: reader.uint32(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.n`,
                  value: reader.uint32(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.c`,
                  value: reader.bytes(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface GemmResultMFieldEvent {
    field: '$.m'
    value: number
  }

  export interface GemmResultNFieldEvent {
    field: '$.n'
    value: number
  }

  export interface GemmResultCFieldEvent {
    field: '$.c'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<GemmResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GemmResult.codec())
  }

  export function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GemmResult>): GemmResult {
    return decodeMessage(buf, GemmResult.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<GemmResult>,
  ): Generator<GemmResultMFieldEvent | GemmResultNFieldEvent | GemmResultCFieldEvent> {
    return streamMessage(buf, GemmResult.codec(), opts)
  }
}
