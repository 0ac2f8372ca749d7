import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface WeightsPanel {
  sha256: string
  col0: number
  cols: number
}

export namespace WeightsPanel {
  let _codec: Codec<WeightsPanel>

  export const codec = (): Codec<WeightsPanel> => {
    if (_codec == null) {
      _codec = message<WeightsPanel>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sha256 != null && obj.sha256 !== '')) {
          w.uint32(10)
          w.string(obj.sha256)
        }

        if ((obj.col0 != null && obj.col0 !== 0)) {
          w.uint32(16)
          w.uint32(obj.col0)
        }

        if ((obj.cols != null && obj.cols !== 0)) {
          w.uint32(24)
          w.uint32(obj.cols)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sha256: '',
          col0: 0,
          cols: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.sha256 = reader.string()
              break
            }
            case 2: {
              obj.col0 = reader.uint32()
              break
            }
            case 3: {
              obj.cols = reader.uint32()
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
                field: `${prefix}.sha256`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.col0`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cols`,
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

  export interface WeightsPanelSha256FieldEvent {
    field: '$.sha256'
    value: string
  }

  export interface WeightsPanelCol0FieldEvent {
    field: '$.col0'
    value: number
  }

  export interface WeightsPanelColsFieldEvent {
    field: '$.cols'
    value: number
  }

  export function encode (obj: Partial<WeightsPanel>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WeightsPanel.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WeightsPanel>): WeightsPanel {
    return decodeMessage(buf, WeightsPanel.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WeightsPanel>): Generator<WeightsPanelSha256FieldEvent | WeightsPanelCol0FieldEvent | WeightsPanelColsFieldEvent> {
    return streamMessage(buf, WeightsPanel.codec(), opts)
  }
}

export interface RowBlock {
  sha256: string
  row0: number
  rows: number
}

export namespace RowBlock {
  let _codec: Codec<RowBlock>

  export const codec = (): Codec<RowBlock> => {
    if (_codec == null) {
      _codec = message<RowBlock>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sha256 != null && obj.sha256 !== '')) {
          w.uint32(10)
          w.string(obj.sha256)
        }

        if ((obj.row0 != null && obj.row0 !== 0)) {
          w.uint32(16)
          w.uint32(obj.row0)
        }

        if ((obj.rows != null && obj.rows !== 0)) {
          w.uint32(24)
          w.uint32(obj.rows)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sha256: '',
          row0: 0,
          rows: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.sha256 = reader.string()
              break
            }
            case 2: {
              obj.row0 = reader.uint32()
              break
            }
            case 3: {
              obj.rows = reader.uint32()
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
                field: `${prefix}.sha256`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.row0`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.rows`,
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

  export interface RowBlockSha256FieldEvent {
    field: '$.sha256'
    value: string
  }

  export interface RowBlockRow0FieldEvent {
    field: '$.row0'
    value: number
  }

  export interface RowBlockRowsFieldEvent {
    field: '$.rows'
    value: number
  }

  export function encode (obj: Partial<RowBlock>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RowBlock.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RowBlock>): RowBlock {
    return decodeMessage(buf, RowBlock.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RowBlock>): Generator<RowBlockSha256FieldEvent | RowBlockRow0FieldEvent | RowBlockRowsFieldEvent> {
    return streamMessage(buf, RowBlock.codec(), opts)
  }
}

export interface GemmGrant {
  m: number
  n: number
  k: number
  col0: number
  panels: WeightsPanel[]
  row0: number
  rowBlocks: RowBlock[]
}

export namespace GemmGrant {
  let _codec: Codec<GemmGrant>

  export const codec = (): Codec<GemmGrant> => {
    if (_codec == null) {
      _codec = message<GemmGrant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.m != null && obj.m !== 0)) {
          w.uint32(8)
          w.uint32(obj.m)
        }

        if ((obj.n != null && obj.n !== 0)) {
          w.uint32(16)
          w.uint32(obj.n)
        }

        if ((obj.k != null && obj.k !== 0)) {
          w.uint32(24)
          w.uint32(obj.k)
        }

        if ((obj.col0 != null && obj.col0 !== 0)) {
          w.uint32(56)
          w.uint32(obj.col0)
        }

        if (obj.panels != null && obj.panels.length > 0) {
          for (const value of obj.panels) {
            w.uint32(66)
            WeightsPanel.codec().encode(value, w)
          }
        }

        if ((obj.row0 != null && obj.row0 !== 0)) {
          w.uint32(72)
          w.uint32(obj.row0)
        }

        if (obj.rowBlocks != null && obj.rowBlocks.length > 0) {
          for (const value of obj.rowBlocks) {
            w.uint32(82)
            RowBlock.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          m: 0,
          n: 0,
          k: 0,
          col0: 0,
          panels: [],
          row0: 0,
          rowBlocks: []
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
            case 7: {
              obj.col0 = reader.uint32()
              break
            }
            case 8: {
              if (opts.limits?.panels != null && obj.panels.length === opts.limits.panels) {
                throw new MaxLengthError('Decode error - repeated field "panels" had too many elements')
              }

              obj.panels.push(WeightsPanel.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.panels$
              }))
              break
            }
            case 9: {
              obj.row0 = reader.uint32()
              break
            }
            case 10: {
              if (opts.limits?.rowBlocks != null && obj.rowBlocks.length === opts.limits.rowBlocks) {
                throw new MaxLengthError('Decode error - repeated field "rowBlocks" had too many elements')
              }

              obj.rowBlocks.push(RowBlock.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.rowBlocks$
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
          panels: 0,
          rowBlocks: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.m`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.n`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.k`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.col0`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              if (opts.limits?.panels != null && obj.panels === opts.limits.panels) {
                throw new MaxLengthError('Streaming decode error - repeated field "panels" had too many elements')
              }

              for (const evt of WeightsPanel.codec().stream(reader, reader.uint32(), `${prefix}.panels[]`, {
                limits: opts.limits?.panels$
              })) {
                yield {
                  ...evt,
                  index: obj.panels
                }
              }

              obj.panels++

              break
            }
            case 9: {
              yield {
                field: `${prefix}.row0`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              if (opts.limits?.rowBlocks != null && obj.rowBlocks === opts.limits.rowBlocks) {
                throw new MaxLengthError('Streaming decode error - repeated field "rowBlocks" had too many elements')
              }

              for (const evt of RowBlock.codec().stream(reader, reader.uint32(), `${prefix}.rowBlocks[]`, {
                limits: opts.limits?.rowBlocks$
              })) {
                yield {
                  ...evt,
                  index: obj.rowBlocks
                }
              }

              obj.rowBlocks++

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

  export interface GemmGrantCol0FieldEvent {
    field: '$.col0'
    value: number
  }

  export interface GemmGrantPanelsSha256FieldEvent {
    field: '$.panels[].sha256'
    value: string
    index: number
  }

  export interface GemmGrantPanelsCol0FieldEvent {
    field: '$.panels[].col0'
    value: number
    index: number
  }

  export interface GemmGrantPanelsColsFieldEvent {
    field: '$.panels[].cols'
    value: number
    index: number
  }

  export interface GemmGrantRow0FieldEvent {
    field: '$.row0'
    value: number
  }

  export interface GemmGrantRowBlocksSha256FieldEvent {
    field: '$.rowBlocks[].sha256'
    value: string
    index: number
  }

  export interface GemmGrantRowBlocksRow0FieldEvent {
    field: '$.rowBlocks[].row0'
    value: number
    index: number
  }

  export interface GemmGrantRowBlocksRowsFieldEvent {
    field: '$.rowBlocks[].rows'
    value: number
    index: number
  }

  export function encode (obj: Partial<GemmGrant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GemmGrant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GemmGrant>): GemmGrant {
    return decodeMessage(buf, GemmGrant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GemmGrant>): Generator<GemmGrantMFieldEvent | GemmGrantNFieldEvent | GemmGrantKFieldEvent | GemmGrantCol0FieldEvent | GemmGrantPanelsSha256FieldEvent | GemmGrantPanelsCol0FieldEvent | GemmGrantPanelsColsFieldEvent | GemmGrantRow0FieldEvent | GemmGrantRowBlocksSha256FieldEvent | GemmGrantRowBlocksRow0FieldEvent | GemmGrantRowBlocksRowsFieldEvent> {
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
      _codec = message<GemmResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.m != null && obj.m !== 0)) {
          w.uint32(8)
          w.uint32(obj.m)
        }

        if ((obj.n != null && obj.n !== 0)) {
          w.uint32(16)
          w.uint32(obj.n)
        }

        if ((obj.c != null && obj.c.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.c)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          m: 0,
          n: 0,
          c: uint8ArrayAlloc(0)
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
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.m`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.n`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.c`,
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

  export function encode (obj: Partial<GemmResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GemmResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GemmResult>): GemmResult {
    return decodeMessage(buf, GemmResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GemmResult>): Generator<GemmResultMFieldEvent | GemmResultNFieldEvent | GemmResultCFieldEvent> {
    return streamMessage(buf, GemmResult.codec(), opts)
  }
}
