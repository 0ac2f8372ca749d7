import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface WorkOffer {
  version: number
  netuid: number
  validator: string
  offerId: string
  kind: string
  kindVersion: number
  minFlops: number
  maxFlops: number
  expiresAt: number
  epoch: number
  blobs: string[]
  notes: OfferNote[]
}

export namespace WorkOffer {
  let _codec: Codec<WorkOffer>

  export const codec = (): Codec<WorkOffer> => {
    if (_codec == null) {
      _codec = message<WorkOffer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.netuid != null && obj.netuid !== 0)) {
          w.uint32(16)
          w.uint32(obj.netuid)
        }

        if ((obj.validator != null && obj.validator !== '')) {
          w.uint32(26)
          w.string(obj.validator)
        }

        if ((obj.offerId != null && obj.offerId !== '')) {
          w.uint32(34)
          w.string(obj.offerId)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(42)
          w.string(obj.kind)
        }

        if ((obj.kindVersion != null && obj.kindVersion !== 0)) {
          w.uint32(48)
          w.uint32(obj.kindVersion)
        }

        if ((obj.minFlops != null && obj.minFlops !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.minFlops)
        }

        if ((obj.maxFlops != null && obj.maxFlops !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.maxFlops)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(80)
          w.uint32(obj.epoch)
        }

        if (obj.blobs != null && obj.blobs.length > 0) {
          for (const value of obj.blobs) {
            w.uint32(90)
            w.string(value)
          }
        }

        if (obj.notes != null && obj.notes.length > 0) {
          for (const value of obj.notes) {
            w.uint32(98)
            OfferNote.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          netuid: 0,
          validator: '',
          offerId: '',
          kind: '',
          kindVersion: 0,
          minFlops: 0,
          maxFlops: 0,
          expiresAt: 0,
          epoch: 0,
          blobs: [],
          notes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.netuid = reader.uint32()
              break
            }
            case 3: {
              obj.validator = reader.string()
              break
            }
            case 4: {
              obj.offerId = reader.string()
              break
            }
            case 5: {
              obj.kind = reader.string()
              break
            }
            case 6: {
              obj.kindVersion = reader.uint32()
              break
            }
            case 7: {
              obj.minFlops = reader.uint64Number()
              break
            }
            case 8: {
              obj.maxFlops = reader.uint64Number()
              break
            }
            case 9: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 10: {
              obj.epoch = reader.uint32()
              break
            }
            case 11: {
              if (opts.limits?.blobs != null && obj.blobs.length === opts.limits.blobs) {
                throw new MaxLengthError('Decode error - repeated field "blobs" had too many elements')
              }

              obj.blobs.push(reader.string())
              break
            }
            case 12: {
              if (opts.limits?.notes != null && obj.notes.length === opts.limits.notes) {
                throw new MaxLengthError('Decode error - repeated field "notes" had too many elements')
              }

              obj.notes.push(OfferNote.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.notes$
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
          blobs: 0,
          notes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.netuid`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.validator`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.offerId`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.kindVersion`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.minFlops`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.maxFlops`,
                value: reader.uint64Number()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              if (opts.limits?.blobs != null && obj.blobs === opts.limits.blobs) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobs" had too many elements')
              }

              yield {
                field: `${prefix}.blobs[]`,
                index: obj.blobs,
                value: reader.string()
              }

              obj.blobs++

              break
            }
            case 12: {
              if (opts.limits?.notes != null && obj.notes === opts.limits.notes) {
                throw new MaxLengthError('Streaming decode error - repeated field "notes" had too many elements')
              }

              for (const evt of OfferNote.codec().stream(reader, reader.uint32(), `${prefix}.notes[]`, {
                limits: opts.limits?.notes$
              })) {
                yield {
                  ...evt,
                  index: obj.notes
                }
              }

              obj.notes++

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

  export interface WorkOfferVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface WorkOfferNetuidFieldEvent {
    field: '$.netuid'
    value: number
  }

  export interface WorkOfferValidatorFieldEvent {
    field: '$.validator'
    value: string
  }

  export interface WorkOfferOfferIdFieldEvent {
    field: '$.offerId'
    value: string
  }

  export interface WorkOfferKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface WorkOfferKindVersionFieldEvent {
    field: '$.kindVersion'
    value: number
  }

  export interface WorkOfferMinFlopsFieldEvent {
    field: '$.minFlops'
    value: number
  }

  export interface WorkOfferMaxFlopsFieldEvent {
    field: '$.maxFlops'
    value: number
  }

  export interface WorkOfferExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface WorkOfferEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface WorkOfferBlobsFieldEvent {
    field: '$.blobs[]'
    index: number
    value: string
  }

  export interface WorkOfferNotesKeyFieldEvent {
    field: '$.notes[].key'
    value: string
    index: number
  }

  export interface WorkOfferNotesValueFieldEvent {
    field: '$.notes[].value'
    value: string
    index: number
  }

  export function encode (obj: Partial<WorkOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WorkOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkOffer>): WorkOffer {
    return decodeMessage(buf, WorkOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkOffer>): Generator<WorkOfferVersionFieldEvent | WorkOfferNetuidFieldEvent | WorkOfferValidatorFieldEvent | WorkOfferOfferIdFieldEvent | WorkOfferKindFieldEvent | WorkOfferKindVersionFieldEvent | WorkOfferMinFlopsFieldEvent | WorkOfferMaxFlopsFieldEvent | WorkOfferExpiresAtFieldEvent | WorkOfferEpochFieldEvent | WorkOfferBlobsFieldEvent | WorkOfferNotesKeyFieldEvent | WorkOfferNotesValueFieldEvent> {
    return streamMessage(buf, WorkOffer.codec(), opts)
  }
}

export interface OfferNote {
  key: string
  value: string
}

export namespace OfferNote {
  let _codec: Codec<OfferNote>

  export const codec = (): Codec<OfferNote> => {
    if (_codec == null) {
      _codec = message<OfferNote>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.value != null && obj.value !== '')) {
          w.uint32(18)
          w.string(obj.value)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          value: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.value = reader.string()
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.value`,
                value: reader.string()
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

  export interface OfferNoteKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface OfferNoteValueFieldEvent {
    field: '$.value'
    value: string
  }

  export function encode (obj: Partial<OfferNote>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OfferNote.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OfferNote>): OfferNote {
    return decodeMessage(buf, OfferNote.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OfferNote>): Generator<OfferNoteKeyFieldEvent | OfferNoteValueFieldEvent> {
    return streamMessage(buf, OfferNote.codec(), opts)
  }
}

export interface LeaseRequest {
  version: number
  offerId: string
  kind: string
  kindVersion: number
  engine: string
  flopsPerSecond: number
  uplinkBytesPerSecond: number
  downlinkBytesPerSecond: number
}

export namespace LeaseRequest {
  let _codec: Codec<LeaseRequest>

  export const codec = (): Codec<LeaseRequest> => {
    if (_codec == null) {
      _codec = message<LeaseRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.offerId != null && obj.offerId !== '')) {
          w.uint32(18)
          w.string(obj.offerId)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(26)
          w.string(obj.kind)
        }

        if ((obj.kindVersion != null && obj.kindVersion !== 0)) {
          w.uint32(32)
          w.uint32(obj.kindVersion)
        }

        if ((obj.engine != null && obj.engine !== '')) {
          w.uint32(42)
          w.string(obj.engine)
        }

        if ((obj.flopsPerSecond != null && obj.flopsPerSecond !== 0)) {
          w.uint32(49)
          w.double(obj.flopsPerSecond)
        }

        if ((obj.uplinkBytesPerSecond != null && obj.uplinkBytesPerSecond !== 0)) {
          w.uint32(57)
          w.double(obj.uplinkBytesPerSecond)
        }

        if ((obj.downlinkBytesPerSecond != null && obj.downlinkBytesPerSecond !== 0)) {
          w.uint32(65)
          w.double(obj.downlinkBytesPerSecond)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          offerId: '',
          kind: '',
          kindVersion: 0,
          engine: '',
          flopsPerSecond: 0,
          uplinkBytesPerSecond: 0,
          downlinkBytesPerSecond: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.offerId = reader.string()
              break
            }
            case 3: {
              obj.kind = reader.string()
              break
            }
            case 4: {
              obj.kindVersion = reader.uint32()
              break
            }
            case 5: {
              obj.engine = reader.string()
              break
            }
            case 6: {
              obj.flopsPerSecond = reader.double()
              break
            }
            case 7: {
              obj.uplinkBytesPerSecond = reader.double()
              break
            }
            case 8: {
              obj.downlinkBytesPerSecond = reader.double()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.offerId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.kindVersion`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.engine`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.flopsPerSecond`,
                value: reader.double()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.uplinkBytesPerSecond`,
                value: reader.double()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.downlinkBytesPerSecond`,
                value: reader.double()
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

  export interface LeaseRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface LeaseRequestOfferIdFieldEvent {
    field: '$.offerId'
    value: string
  }

  export interface LeaseRequestKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface LeaseRequestKindVersionFieldEvent {
    field: '$.kindVersion'
    value: number
  }

  export interface LeaseRequestEngineFieldEvent {
    field: '$.engine'
    value: string
  }

  export interface LeaseRequestFlopsPerSecondFieldEvent {
    field: '$.flopsPerSecond'
    value: number
  }

  export interface LeaseRequestUplinkBytesPerSecondFieldEvent {
    field: '$.uplinkBytesPerSecond'
    value: number
  }

  export interface LeaseRequestDownlinkBytesPerSecondFieldEvent {
    field: '$.downlinkBytesPerSecond'
    value: number
  }

  export function encode (obj: Partial<LeaseRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LeaseRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseRequest>): LeaseRequest {
    return decodeMessage(buf, LeaseRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseRequest>): Generator<LeaseRequestVersionFieldEvent | LeaseRequestOfferIdFieldEvent | LeaseRequestKindFieldEvent | LeaseRequestKindVersionFieldEvent | LeaseRequestEngineFieldEvent | LeaseRequestFlopsPerSecondFieldEvent | LeaseRequestUplinkBytesPerSecondFieldEvent | LeaseRequestDownlinkBytesPerSecondFieldEvent> {
    return streamMessage(buf, LeaseRequest.codec(), opts)
  }
}

export interface LeaseGrant {
  leaseId: string
  offerId: string
  shardId: string
  kind: string
  kindVersion: number
  expiresAt: number
  flops: number
  payload: Uint8Array<ArrayBuffer>
}

export namespace LeaseGrant {
  let _codec: Codec<LeaseGrant>

  export const codec = (): Codec<LeaseGrant> => {
    if (_codec == null) {
      _codec = message<LeaseGrant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.leaseId != null && obj.leaseId !== '')) {
          w.uint32(10)
          w.string(obj.leaseId)
        }

        if ((obj.offerId != null && obj.offerId !== '')) {
          w.uint32(18)
          w.string(obj.offerId)
        }

        if ((obj.shardId != null && obj.shardId !== '')) {
          w.uint32(26)
          w.string(obj.shardId)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(34)
          w.string(obj.kind)
        }

        if ((obj.kindVersion != null && obj.kindVersion !== 0)) {
          w.uint32(40)
          w.uint32(obj.kindVersion)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.flops != null && obj.flops !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.flops)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.payload)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          leaseId: '',
          offerId: '',
          shardId: '',
          kind: '',
          kindVersion: 0,
          expiresAt: 0,
          flops: 0,
          payload: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.leaseId = reader.string()
              break
            }
            case 2: {
              obj.offerId = reader.string()
              break
            }
            case 3: {
              obj.shardId = reader.string()
              break
            }
            case 4: {
              obj.kind = reader.string()
              break
            }
            case 5: {
              obj.kindVersion = reader.uint32()
              break
            }
            case 6: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 7: {
              obj.flops = reader.uint64Number()
              break
            }
            case 8: {
              obj.payload = reader.bytes()
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
                field: `${prefix}.leaseId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.offerId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.shardId`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.kindVersion`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.flops`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.payload`,
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

  export interface LeaseGrantLeaseIdFieldEvent {
    field: '$.leaseId'
    value: string
  }

  export interface LeaseGrantOfferIdFieldEvent {
    field: '$.offerId'
    value: string
  }

  export interface LeaseGrantShardIdFieldEvent {
    field: '$.shardId'
    value: string
  }

  export interface LeaseGrantKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface LeaseGrantKindVersionFieldEvent {
    field: '$.kindVersion'
    value: number
  }

  export interface LeaseGrantExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface LeaseGrantFlopsFieldEvent {
    field: '$.flops'
    value: number
  }

  export interface LeaseGrantPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LeaseGrant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LeaseGrant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseGrant>): LeaseGrant {
    return decodeMessage(buf, LeaseGrant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseGrant>): Generator<LeaseGrantLeaseIdFieldEvent | LeaseGrantOfferIdFieldEvent | LeaseGrantShardIdFieldEvent | LeaseGrantKindFieldEvent | LeaseGrantKindVersionFieldEvent | LeaseGrantExpiresAtFieldEvent | LeaseGrantFlopsFieldEvent | LeaseGrantPayloadFieldEvent> {
    return streamMessage(buf, LeaseGrant.codec(), opts)
  }
}

export interface LeaseRefusal {
  offerId: string
  reason: string
  message: string
  retryAfterMs: number
}

export namespace LeaseRefusal {
  let _codec: Codec<LeaseRefusal>

  export const codec = (): Codec<LeaseRefusal> => {
    if (_codec == null) {
      _codec = message<LeaseRefusal>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.offerId != null && obj.offerId !== '')) {
          w.uint32(10)
          w.string(obj.offerId)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(32)
          w.uint32(obj.retryAfterMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          offerId: '',
          reason: '',
          message: '',
          retryAfterMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.offerId = reader.string()
              break
            }
            case 2: {
              obj.reason = reader.string()
              break
            }
            case 3: {
              obj.message = reader.string()
              break
            }
            case 4: {
              obj.retryAfterMs = reader.uint32()
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
                field: `${prefix}.offerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.retryAfterMs`,
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

  export interface LeaseRefusalOfferIdFieldEvent {
    field: '$.offerId'
    value: string
  }

  export interface LeaseRefusalReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface LeaseRefusalMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface LeaseRefusalRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<LeaseRefusal>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LeaseRefusal.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseRefusal>): LeaseRefusal {
    return decodeMessage(buf, LeaseRefusal.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseRefusal>): Generator<LeaseRefusalOfferIdFieldEvent | LeaseRefusalReasonFieldEvent | LeaseRefusalMessageFieldEvent | LeaseRefusalRetryAfterMsFieldEvent> {
    return streamMessage(buf, LeaseRefusal.codec(), opts)
  }
}

export interface LeaseResponse {
  version: number
  grant?: LeaseGrant
  refusal?: LeaseRefusal
}

export namespace LeaseResponse {
  let _codec: Codec<LeaseResponse>

  export const codec = (): Codec<LeaseResponse> => {
    if (_codec == null) {
      _codec = message<LeaseResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.grant != null) {
          w.uint32(18)
          LeaseGrant.codec().encode(obj.grant, w)
        }

        if (obj.refusal != null) {
          w.uint32(26)
          LeaseRefusal.codec().encode(obj.refusal, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.grant = LeaseGrant.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grant
              })
              break
            }
            case 3: {
              obj.refusal = LeaseRefusal.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.refusal
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * LeaseGrant.codec().stream(reader, reader.uint32(), `${prefix}.grant`, {
                limits: opts.limits?.grant
              })

              break
            }
            case 3: {
              yield * LeaseRefusal.codec().stream(reader, reader.uint32(), `${prefix}.refusal`, {
                limits: opts.limits?.refusal
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

  export interface LeaseResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface LeaseResponseGrantLeaseIdFieldEvent {
    field: '$.grant.leaseId'
    value: string
  }

  export interface LeaseResponseGrantOfferIdFieldEvent {
    field: '$.grant.offerId'
    value: string
  }

  export interface LeaseResponseGrantShardIdFieldEvent {
    field: '$.grant.shardId'
    value: string
  }

  export interface LeaseResponseGrantKindFieldEvent {
    field: '$.grant.kind'
    value: string
  }

  export interface LeaseResponseGrantKindVersionFieldEvent {
    field: '$.grant.kindVersion'
    value: number
  }

  export interface LeaseResponseGrantExpiresAtFieldEvent {
    field: '$.grant.expiresAt'
    value: number
  }

  export interface LeaseResponseGrantFlopsFieldEvent {
    field: '$.grant.flops'
    value: number
  }

  export interface LeaseResponseGrantPayloadFieldEvent {
    field: '$.grant.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseResponseRefusalOfferIdFieldEvent {
    field: '$.refusal.offerId'
    value: string
  }

  export interface LeaseResponseRefusalReasonFieldEvent {
    field: '$.refusal.reason'
    value: string
  }

  export interface LeaseResponseRefusalMessageFieldEvent {
    field: '$.refusal.message'
    value: string
  }

  export interface LeaseResponseRefusalRetryAfterMsFieldEvent {
    field: '$.refusal.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<LeaseResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LeaseResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseResponse>): LeaseResponse {
    return decodeMessage(buf, LeaseResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseResponse>): Generator<LeaseResponseVersionFieldEvent | LeaseResponseGrantLeaseIdFieldEvent | LeaseResponseGrantOfferIdFieldEvent | LeaseResponseGrantShardIdFieldEvent | LeaseResponseGrantKindFieldEvent | LeaseResponseGrantKindVersionFieldEvent | LeaseResponseGrantExpiresAtFieldEvent | LeaseResponseGrantFlopsFieldEvent | LeaseResponseGrantPayloadFieldEvent | LeaseResponseRefusalOfferIdFieldEvent | LeaseResponseRefusalReasonFieldEvent | LeaseResponseRefusalMessageFieldEvent | LeaseResponseRefusalRetryAfterMsFieldEvent> {
    return streamMessage(buf, LeaseResponse.codec(), opts)
  }
}

export interface WorkResult {
  version: number
  leaseId: string
  kind: string
  kindVersion: number
  engine: string
  elapsedMs: number
  payload: Uint8Array<ArrayBuffer>
  next?: LeaseRequest
}

export namespace WorkResult {
  let _codec: Codec<WorkResult>

  export const codec = (): Codec<WorkResult> => {
    if (_codec == null) {
      _codec = message<WorkResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.leaseId != null && obj.leaseId !== '')) {
          w.uint32(18)
          w.string(obj.leaseId)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(26)
          w.string(obj.kind)
        }

        if ((obj.kindVersion != null && obj.kindVersion !== 0)) {
          w.uint32(32)
          w.uint32(obj.kindVersion)
        }

        if ((obj.engine != null && obj.engine !== '')) {
          w.uint32(42)
          w.string(obj.engine)
        }

        if ((obj.elapsedMs != null && obj.elapsedMs !== 0)) {
          w.uint32(48)
          w.uint32(obj.elapsedMs)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.payload)
        }

        if (obj.next != null) {
          w.uint32(66)
          LeaseRequest.codec().encode(obj.next, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          leaseId: '',
          kind: '',
          kindVersion: 0,
          engine: '',
          elapsedMs: 0,
          payload: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.leaseId = reader.string()
              break
            }
            case 3: {
              obj.kind = reader.string()
              break
            }
            case 4: {
              obj.kindVersion = reader.uint32()
              break
            }
            case 5: {
              obj.engine = reader.string()
              break
            }
            case 6: {
              obj.elapsedMs = reader.uint32()
              break
            }
            case 7: {
              obj.payload = reader.bytes()
              break
            }
            case 8: {
              obj.next = LeaseRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.next
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.leaseId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.kindVersion`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.engine`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.elapsedMs`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield * LeaseRequest.codec().stream(reader, reader.uint32(), `${prefix}.next`, {
                limits: opts.limits?.next
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

  export interface WorkResultVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface WorkResultLeaseIdFieldEvent {
    field: '$.leaseId'
    value: string
  }

  export interface WorkResultKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface WorkResultKindVersionFieldEvent {
    field: '$.kindVersion'
    value: number
  }

  export interface WorkResultEngineFieldEvent {
    field: '$.engine'
    value: string
  }

  export interface WorkResultElapsedMsFieldEvent {
    field: '$.elapsedMs'
    value: number
  }

  export interface WorkResultPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WorkResultNextVersionFieldEvent {
    field: '$.next.version'
    value: number
  }

  export interface WorkResultNextOfferIdFieldEvent {
    field: '$.next.offerId'
    value: string
  }

  export interface WorkResultNextKindFieldEvent {
    field: '$.next.kind'
    value: string
  }

  export interface WorkResultNextKindVersionFieldEvent {
    field: '$.next.kindVersion'
    value: number
  }

  export interface WorkResultNextEngineFieldEvent {
    field: '$.next.engine'
    value: string
  }

  export interface WorkResultNextFlopsPerSecondFieldEvent {
    field: '$.next.flopsPerSecond'
    value: number
  }

  export interface WorkResultNextUplinkBytesPerSecondFieldEvent {
    field: '$.next.uplinkBytesPerSecond'
    value: number
  }

  export interface WorkResultNextDownlinkBytesPerSecondFieldEvent {
    field: '$.next.downlinkBytesPerSecond'
    value: number
  }

  export function encode (obj: Partial<WorkResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WorkResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkResult>): WorkResult {
    return decodeMessage(buf, WorkResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkResult>): Generator<WorkResultVersionFieldEvent | WorkResultLeaseIdFieldEvent | WorkResultKindFieldEvent | WorkResultKindVersionFieldEvent | WorkResultEngineFieldEvent | WorkResultElapsedMsFieldEvent | WorkResultPayloadFieldEvent | WorkResultNextVersionFieldEvent | WorkResultNextOfferIdFieldEvent | WorkResultNextKindFieldEvent | WorkResultNextKindVersionFieldEvent | WorkResultNextEngineFieldEvent | WorkResultNextFlopsPerSecondFieldEvent | WorkResultNextUplinkBytesPerSecondFieldEvent | WorkResultNextDownlinkBytesPerSecondFieldEvent> {
    return streamMessage(buf, WorkResult.codec(), opts)
  }
}

export interface ReceiptBody {
  domain: string
  netuid: number
  validator: string
  contributor: string
  receiptId: string
  leaseId: string
  shardId: string
  kind: string
  flops: number
  credit: number
  epoch: number
  issuedAt: number
  resultDigest: Uint8Array<ArrayBuffer>
  offerId: string
}

export namespace ReceiptBody {
  let _codec: Codec<ReceiptBody>

  export const codec = (): Codec<ReceiptBody> => {
    if (_codec == null) {
      _codec = message<ReceiptBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.domain != null && obj.domain !== '')) {
          w.uint32(10)
          w.string(obj.domain)
        }

        if ((obj.netuid != null && obj.netuid !== 0)) {
          w.uint32(16)
          w.uint32(obj.netuid)
        }

        if ((obj.validator != null && obj.validator !== '')) {
          w.uint32(26)
          w.string(obj.validator)
        }

        if ((obj.contributor != null && obj.contributor !== '')) {
          w.uint32(34)
          w.string(obj.contributor)
        }

        if ((obj.receiptId != null && obj.receiptId !== '')) {
          w.uint32(42)
          w.string(obj.receiptId)
        }

        if ((obj.leaseId != null && obj.leaseId !== '')) {
          w.uint32(50)
          w.string(obj.leaseId)
        }

        if ((obj.shardId != null && obj.shardId !== '')) {
          w.uint32(58)
          w.string(obj.shardId)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(66)
          w.string(obj.kind)
        }

        if ((obj.flops != null && obj.flops !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.flops)
        }

        if ((obj.credit != null && obj.credit !== 0)) {
          w.uint32(81)
          w.double(obj.credit)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(88)
          w.uint32(obj.epoch)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0)) {
          w.uint32(96)
          w.uint64Number(obj.issuedAt)
        }

        if ((obj.resultDigest != null && obj.resultDigest.byteLength > 0)) {
          w.uint32(106)
          w.bytes(obj.resultDigest)
        }

        if ((obj.offerId != null && obj.offerId !== '')) {
          w.uint32(114)
          w.string(obj.offerId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          domain: '',
          netuid: 0,
          validator: '',
          contributor: '',
          receiptId: '',
          leaseId: '',
          shardId: '',
          kind: '',
          flops: 0,
          credit: 0,
          epoch: 0,
          issuedAt: 0,
          resultDigest: uint8ArrayAlloc(0),
          offerId: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.domain = reader.string()
              break
            }
            case 2: {
              obj.netuid = reader.uint32()
              break
            }
            case 3: {
              obj.validator = reader.string()
              break
            }
            case 4: {
              obj.contributor = reader.string()
              break
            }
            case 5: {
              obj.receiptId = reader.string()
              break
            }
            case 6: {
              obj.leaseId = reader.string()
              break
            }
            case 7: {
              obj.shardId = reader.string()
              break
            }
            case 8: {
              obj.kind = reader.string()
              break
            }
            case 9: {
              obj.flops = reader.uint64Number()
              break
            }
            case 10: {
              obj.credit = reader.double()
              break
            }
            case 11: {
              obj.epoch = reader.uint32()
              break
            }
            case 12: {
              obj.issuedAt = reader.uint64Number()
              break
            }
            case 13: {
              obj.resultDigest = reader.bytes()
              break
            }
            case 14: {
              obj.offerId = reader.string()
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
                field: `${prefix}.domain`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.netuid`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.validator`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.contributor`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.receiptId`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.leaseId`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.shardId`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.flops`,
                value: reader.uint64Number()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.credit`,
                value: reader.double()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.resultDigest`,
                value: reader.bytes()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.offerId`,
                value: reader.string()
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

  export interface ReceiptBodyDomainFieldEvent {
    field: '$.domain'
    value: string
  }

  export interface ReceiptBodyNetuidFieldEvent {
    field: '$.netuid'
    value: number
  }

  export interface ReceiptBodyValidatorFieldEvent {
    field: '$.validator'
    value: string
  }

  export interface ReceiptBodyContributorFieldEvent {
    field: '$.contributor'
    value: string
  }

  export interface ReceiptBodyReceiptIdFieldEvent {
    field: '$.receiptId'
    value: string
  }

  export interface ReceiptBodyLeaseIdFieldEvent {
    field: '$.leaseId'
    value: string
  }

  export interface ReceiptBodyShardIdFieldEvent {
    field: '$.shardId'
    value: string
  }

  export interface ReceiptBodyKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface ReceiptBodyFlopsFieldEvent {
    field: '$.flops'
    value: number
  }

  export interface ReceiptBodyCreditFieldEvent {
    field: '$.credit'
    value: number
  }

  export interface ReceiptBodyEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface ReceiptBodyIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export interface ReceiptBodyResultDigestFieldEvent {
    field: '$.resultDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptBodyOfferIdFieldEvent {
    field: '$.offerId'
    value: string
  }

  export function encode (obj: Partial<ReceiptBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReceiptBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiptBody>): ReceiptBody {
    return decodeMessage(buf, ReceiptBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiptBody>): Generator<ReceiptBodyDomainFieldEvent | ReceiptBodyNetuidFieldEvent | ReceiptBodyValidatorFieldEvent | ReceiptBodyContributorFieldEvent | ReceiptBodyReceiptIdFieldEvent | ReceiptBodyLeaseIdFieldEvent | ReceiptBodyShardIdFieldEvent | ReceiptBodyKindFieldEvent | ReceiptBodyFlopsFieldEvent | ReceiptBodyCreditFieldEvent | ReceiptBodyEpochFieldEvent | ReceiptBodyIssuedAtFieldEvent | ReceiptBodyResultDigestFieldEvent | ReceiptBodyOfferIdFieldEvent> {
    return streamMessage(buf, ReceiptBody.codec(), opts)
  }
}

export interface Receipt {
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace Receipt {
  let _codec: Codec<Receipt>

  export const codec = (): Codec<Receipt> => {
    if (_codec == null) {
      _codec = message<Receipt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
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

  export interface ReceiptBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Receipt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Receipt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Receipt {
    return decodeMessage(buf, Receipt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Receipt>): Generator<ReceiptBodyFieldEvent | ReceiptSignatureFieldEvent> {
    return streamMessage(buf, Receipt.codec(), opts)
  }
}

export interface Rejection {
  leaseId: string
  reason: string
  message: string
}

export namespace Rejection {
  let _codec: Codec<Rejection>

  export const codec = (): Codec<Rejection> => {
    if (_codec == null) {
      _codec = message<Rejection>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.leaseId != null && obj.leaseId !== '')) {
          w.uint32(10)
          w.string(obj.leaseId)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(18)
          w.string(obj.reason)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          leaseId: '',
          reason: '',
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.leaseId = reader.string()
              break
            }
            case 2: {
              obj.reason = reader.string()
              break
            }
            case 3: {
              obj.message = reader.string()
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
                field: `${prefix}.leaseId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
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

  export interface RejectionLeaseIdFieldEvent {
    field: '$.leaseId'
    value: string
  }

  export interface RejectionReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface RejectionMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<Rejection>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Rejection.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Rejection>): Rejection {
    return decodeMessage(buf, Rejection.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Rejection>): Generator<RejectionLeaseIdFieldEvent | RejectionReasonFieldEvent | RejectionMessageFieldEvent> {
    return streamMessage(buf, Rejection.codec(), opts)
  }
}

export interface ResultResponse {
  version: number
  receipt?: Receipt
  rejection?: Rejection
  next?: LeaseResponse
  heldMs: number
}

export namespace ResultResponse {
  let _codec: Codec<ResultResponse>

  export const codec = (): Codec<ResultResponse> => {
    if (_codec == null) {
      _codec = message<ResultResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.receipt != null) {
          w.uint32(18)
          Receipt.codec().encode(obj.receipt, w)
        }

        if (obj.rejection != null) {
          w.uint32(26)
          Rejection.codec().encode(obj.rejection, w)
        }

        if (obj.next != null) {
          w.uint32(34)
          LeaseResponse.codec().encode(obj.next, w)
        }

        if ((obj.heldMs != null && obj.heldMs !== 0)) {
          w.uint32(40)
          w.uint32(obj.heldMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          heldMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.receipt = Receipt.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipt
              })
              break
            }
            case 3: {
              obj.rejection = Rejection.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.rejection
              })
              break
            }
            case 4: {
              obj.next = LeaseResponse.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.next
              })
              break
            }
            case 5: {
              obj.heldMs = reader.uint32()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * Receipt.codec().stream(reader, reader.uint32(), `${prefix}.receipt`, {
                limits: opts.limits?.receipt
              })

              break
            }
            case 3: {
              yield * Rejection.codec().stream(reader, reader.uint32(), `${prefix}.rejection`, {
                limits: opts.limits?.rejection
              })

              break
            }
            case 4: {
              yield * LeaseResponse.codec().stream(reader, reader.uint32(), `${prefix}.next`, {
                limits: opts.limits?.next
              })

              break
            }
            case 5: {
              yield {
                field: `${prefix}.heldMs`,
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

  export interface ResultResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ResultResponseReceiptBodyFieldEvent {
    field: '$.receipt.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultResponseReceiptSignatureFieldEvent {
    field: '$.receipt.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultResponseRejectionLeaseIdFieldEvent {
    field: '$.rejection.leaseId'
    value: string
  }

  export interface ResultResponseRejectionReasonFieldEvent {
    field: '$.rejection.reason'
    value: string
  }

  export interface ResultResponseRejectionMessageFieldEvent {
    field: '$.rejection.message'
    value: string
  }

  export interface ResultResponseNextVersionFieldEvent {
    field: '$.next.version'
    value: number
  }

  export interface ResultResponseNextGrantLeaseIdFieldEvent {
    field: '$.next.grant.leaseId'
    value: string
  }

  export interface ResultResponseNextGrantOfferIdFieldEvent {
    field: '$.next.grant.offerId'
    value: string
  }

  export interface ResultResponseNextGrantShardIdFieldEvent {
    field: '$.next.grant.shardId'
    value: string
  }

  export interface ResultResponseNextGrantKindFieldEvent {
    field: '$.next.grant.kind'
    value: string
  }

  export interface ResultResponseNextGrantKindVersionFieldEvent {
    field: '$.next.grant.kindVersion'
    value: number
  }

  export interface ResultResponseNextGrantExpiresAtFieldEvent {
    field: '$.next.grant.expiresAt'
    value: number
  }

  export interface ResultResponseNextGrantFlopsFieldEvent {
    field: '$.next.grant.flops'
    value: number
  }

  export interface ResultResponseNextGrantPayloadFieldEvent {
    field: '$.next.grant.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultResponseNextRefusalOfferIdFieldEvent {
    field: '$.next.refusal.offerId'
    value: string
  }

  export interface ResultResponseNextRefusalReasonFieldEvent {
    field: '$.next.refusal.reason'
    value: string
  }

  export interface ResultResponseNextRefusalMessageFieldEvent {
    field: '$.next.refusal.message'
    value: string
  }

  export interface ResultResponseNextRefusalRetryAfterMsFieldEvent {
    field: '$.next.refusal.retryAfterMs'
    value: number
  }

  export interface ResultResponseHeldMsFieldEvent {
    field: '$.heldMs'
    value: number
  }

  export function encode (obj: Partial<ResultResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ResultResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultResponse>): ResultResponse {
    return decodeMessage(buf, ResultResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultResponse>): Generator<ResultResponseVersionFieldEvent | ResultResponseReceiptBodyFieldEvent | ResultResponseReceiptSignatureFieldEvent | ResultResponseRejectionLeaseIdFieldEvent | ResultResponseRejectionReasonFieldEvent | ResultResponseRejectionMessageFieldEvent | ResultResponseNextVersionFieldEvent | ResultResponseNextGrantLeaseIdFieldEvent | ResultResponseNextGrantOfferIdFieldEvent | ResultResponseNextGrantShardIdFieldEvent | ResultResponseNextGrantKindFieldEvent | ResultResponseNextGrantKindVersionFieldEvent | ResultResponseNextGrantExpiresAtFieldEvent | ResultResponseNextGrantFlopsFieldEvent | ResultResponseNextGrantPayloadFieldEvent | ResultResponseNextRefusalOfferIdFieldEvent | ResultResponseNextRefusalReasonFieldEvent | ResultResponseNextRefusalMessageFieldEvent | ResultResponseNextRefusalRetryAfterMsFieldEvent | ResultResponseHeldMsFieldEvent> {
    return streamMessage(buf, ResultResponse.codec(), opts)
  }
}

export interface ClaimRequest {
  version: number
  message: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  receiptIds: string[]
}

export namespace ClaimRequest {
  let _codec: Codec<ClaimRequest>

  export const codec = (): Codec<ClaimRequest> => {
    if (_codec == null) {
      _codec = message<ClaimRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.message != null && obj.message.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.message)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (obj.receiptIds != null && obj.receiptIds.length > 0) {
          for (const value of obj.receiptIds) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          message: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          receiptIds: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.message = reader.bytes()
              break
            }
            case 3: {
              obj.signature = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.receiptIds != null && obj.receiptIds.length === opts.limits.receiptIds) {
                throw new MaxLengthError('Decode error - repeated field "receiptIds" had too many elements')
              }

              obj.receiptIds.push(reader.string())
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
          receiptIds: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.receiptIds != null && obj.receiptIds === opts.limits.receiptIds) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiptIds" had too many elements')
              }

              yield {
                field: `${prefix}.receiptIds[]`,
                index: obj.receiptIds,
                value: reader.string()
              }

              obj.receiptIds++

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

  export interface ClaimRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ClaimRequestMessageFieldEvent {
    field: '$.message'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimRequestSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimRequestReceiptIdsFieldEvent {
    field: '$.receiptIds[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<ClaimRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClaimRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimRequest>): ClaimRequest {
    return decodeMessage(buf, ClaimRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimRequest>): Generator<ClaimRequestVersionFieldEvent | ClaimRequestMessageFieldEvent | ClaimRequestSignatureFieldEvent | ClaimRequestReceiptIdsFieldEvent> {
    return streamMessage(buf, ClaimRequest.codec(), opts)
  }
}

export interface ClaimAckBody {
  domain: string
  netuid: number
  validator: string
  contributor: string
  claimId: string
  address: string
  epochs: number[]
  receiptsRoot: Uint8Array<ArrayBuffer>
  receipts: number
  credit: number
  recordedAt: number
}

export namespace ClaimAckBody {
  let _codec: Codec<ClaimAckBody>

  export const codec = (): Codec<ClaimAckBody> => {
    if (_codec == null) {
      _codec = message<ClaimAckBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.domain != null && obj.domain !== '')) {
          w.uint32(10)
          w.string(obj.domain)
        }

        if ((obj.netuid != null && obj.netuid !== 0)) {
          w.uint32(16)
          w.uint32(obj.netuid)
        }

        if ((obj.validator != null && obj.validator !== '')) {
          w.uint32(26)
          w.string(obj.validator)
        }

        if ((obj.contributor != null && obj.contributor !== '')) {
          w.uint32(34)
          w.string(obj.contributor)
        }

        if ((obj.claimId != null && obj.claimId !== '')) {
          w.uint32(42)
          w.string(obj.claimId)
        }

        if ((obj.address != null && obj.address !== '')) {
          w.uint32(50)
          w.string(obj.address)
        }

        if (obj.epochs != null && obj.epochs.length > 0) {
          for (const value of obj.epochs) {
            w.uint32(56)
            w.uint32(value)
          }
        }

        if ((obj.receiptsRoot != null && obj.receiptsRoot.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.receiptsRoot)
        }

        if ((obj.receipts != null && obj.receipts !== 0)) {
          w.uint32(72)
          w.uint32(obj.receipts)
        }

        if ((obj.credit != null && obj.credit !== 0)) {
          w.uint32(81)
          w.double(obj.credit)
        }

        if ((obj.recordedAt != null && obj.recordedAt !== 0)) {
          w.uint32(88)
          w.uint64Number(obj.recordedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          domain: '',
          netuid: 0,
          validator: '',
          contributor: '',
          claimId: '',
          address: '',
          epochs: [],
          receiptsRoot: uint8ArrayAlloc(0),
          receipts: 0,
          credit: 0,
          recordedAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.domain = reader.string()
              break
            }
            case 2: {
              obj.netuid = reader.uint32()
              break
            }
            case 3: {
              obj.validator = reader.string()
              break
            }
            case 4: {
              obj.contributor = reader.string()
              break
            }
            case 5: {
              obj.claimId = reader.string()
              break
            }
            case 6: {
              obj.address = reader.string()
              break
            }
            case 7: {
              const pushepochs = (): void => {
                if (opts.limits?.epochs != null && obj.epochs.length === opts.limits.epochs) {
                  throw new MaxLengthError('Decode error - repeated field "epochs" had too many elements')
                }
                obj.epochs.push(reader.uint32())
              }
              // packed (wire type 2, the proto3 default) or one element per tag
              if ((tag & 7) === 2) {
                const packedEnd = reader.uint32() + reader.pos
                while (reader.pos < packedEnd) pushepochs()
              } else {
                pushepochs()
              }
              break
            }
            case 8: {
              obj.receiptsRoot = reader.bytes()
              break
            }
            case 9: {
              obj.receipts = reader.uint32()
              break
            }
            case 10: {
              obj.credit = reader.double()
              break
            }
            case 11: {
              obj.recordedAt = reader.uint64Number()
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
          epochs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.domain`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.netuid`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.validator`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.contributor`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.claimId`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.address`,
                value: reader.string()
              }
              break
            }
            case 7: {
              if (opts.limits?.epochs != null && obj.epochs === opts.limits.epochs) {
                throw new MaxLengthError('Streaming decode error - repeated field "epochs" had too many elements')
              }

              yield {
                field: `${prefix}.epochs[]`,
                index: obj.epochs,
                value: reader.uint32()
              }

              obj.epochs++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.receiptsRoot`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.receipts`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.credit`,
                value: reader.double()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.recordedAt`,
                value: reader.uint64Number()
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

  export interface ClaimAckBodyDomainFieldEvent {
    field: '$.domain'
    value: string
  }

  export interface ClaimAckBodyNetuidFieldEvent {
    field: '$.netuid'
    value: number
  }

  export interface ClaimAckBodyValidatorFieldEvent {
    field: '$.validator'
    value: string
  }

  export interface ClaimAckBodyContributorFieldEvent {
    field: '$.contributor'
    value: string
  }

  export interface ClaimAckBodyClaimIdFieldEvent {
    field: '$.claimId'
    value: string
  }

  export interface ClaimAckBodyAddressFieldEvent {
    field: '$.address'
    value: string
  }

  export interface ClaimAckBodyEpochsFieldEvent {
    field: '$.epochs[]'
    index: number
    value: number
  }

  export interface ClaimAckBodyReceiptsRootFieldEvent {
    field: '$.receiptsRoot'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimAckBodyReceiptsFieldEvent {
    field: '$.receipts'
    value: number
  }

  export interface ClaimAckBodyCreditFieldEvent {
    field: '$.credit'
    value: number
  }

  export interface ClaimAckBodyRecordedAtFieldEvent {
    field: '$.recordedAt'
    value: number
  }

  export function encode (obj: Partial<ClaimAckBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClaimAckBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimAckBody>): ClaimAckBody {
    return decodeMessage(buf, ClaimAckBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimAckBody>): Generator<ClaimAckBodyDomainFieldEvent | ClaimAckBodyNetuidFieldEvent | ClaimAckBodyValidatorFieldEvent | ClaimAckBodyContributorFieldEvent | ClaimAckBodyClaimIdFieldEvent | ClaimAckBodyAddressFieldEvent | ClaimAckBodyEpochsFieldEvent | ClaimAckBodyReceiptsRootFieldEvent | ClaimAckBodyReceiptsFieldEvent | ClaimAckBodyCreditFieldEvent | ClaimAckBodyRecordedAtFieldEvent> {
    return streamMessage(buf, ClaimAckBody.codec(), opts)
  }
}

export interface ClaimAck {
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace ClaimAck {
  let _codec: Codec<ClaimAck>

  export const codec = (): Codec<ClaimAck> => {
    if (_codec == null) {
      _codec = message<ClaimAck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
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

  export interface ClaimAckBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimAckSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ClaimAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClaimAck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimAck>): ClaimAck {
    return decodeMessage(buf, ClaimAck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimAck>): Generator<ClaimAckBodyFieldEvent | ClaimAckSignatureFieldEvent> {
    return streamMessage(buf, ClaimAck.codec(), opts)
  }
}

export interface ClaimRejection {
  reason: string
  message: string
}

export namespace ClaimRejection {
  let _codec: Codec<ClaimRejection>

  export const codec = (): Codec<ClaimRejection> => {
    if (_codec == null) {
      _codec = message<ClaimRejection>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(10)
          w.string(obj.reason)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          reason: '',
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.reason = reader.string()
              break
            }
            case 2: {
              obj.message = reader.string()
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
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
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

  export interface ClaimRejectionReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface ClaimRejectionMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<ClaimRejection>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClaimRejection.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimRejection>): ClaimRejection {
    return decodeMessage(buf, ClaimRejection.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimRejection>): Generator<ClaimRejectionReasonFieldEvent | ClaimRejectionMessageFieldEvent> {
    return streamMessage(buf, ClaimRejection.codec(), opts)
  }
}

export interface ClaimResponse {
  version: number
  ack?: ClaimAck
  rejection?: ClaimRejection
}

export namespace ClaimResponse {
  let _codec: Codec<ClaimResponse>

  export const codec = (): Codec<ClaimResponse> => {
    if (_codec == null) {
      _codec = message<ClaimResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.ack != null) {
          w.uint32(18)
          ClaimAck.codec().encode(obj.ack, w)
        }

        if (obj.rejection != null) {
          w.uint32(26)
          ClaimRejection.codec().encode(obj.rejection, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.ack = ClaimAck.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ack
              })
              break
            }
            case 3: {
              obj.rejection = ClaimRejection.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.rejection
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * ClaimAck.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                limits: opts.limits?.ack
              })

              break
            }
            case 3: {
              yield * ClaimRejection.codec().stream(reader, reader.uint32(), `${prefix}.rejection`, {
                limits: opts.limits?.rejection
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

  export interface ClaimResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ClaimResponseAckBodyFieldEvent {
    field: '$.ack.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimResponseAckSignatureFieldEvent {
    field: '$.ack.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimResponseRejectionReasonFieldEvent {
    field: '$.rejection.reason'
    value: string
  }

  export interface ClaimResponseRejectionMessageFieldEvent {
    field: '$.rejection.message'
    value: string
  }

  export function encode (obj: Partial<ClaimResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClaimResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimResponse>): ClaimResponse {
    return decodeMessage(buf, ClaimResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClaimResponse>): Generator<ClaimResponseVersionFieldEvent | ClaimResponseAckBodyFieldEvent | ClaimResponseAckSignatureFieldEvent | ClaimResponseRejectionReasonFieldEvent | ClaimResponseRejectionMessageFieldEvent> {
    return streamMessage(buf, ClaimResponse.codec(), opts)
  }
}

export interface BlobRequest {
  version: number
  sha256: Uint8Array<ArrayBuffer>
  offset: number
  length: number
}

export namespace BlobRequest {
  let _codec: Codec<BlobRequest>

  export const codec = (): Codec<BlobRequest> => {
    if (_codec == null) {
      _codec = message<BlobRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sha256)
        }

        if ((obj.offset != null && obj.offset !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.offset)
        }

        if ((obj.length != null && obj.length !== 0)) {
          w.uint32(32)
          w.uint32(obj.length)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          sha256: uint8ArrayAlloc(0),
          offset: 0,
          length: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.sha256 = reader.bytes()
              break
            }
            case 3: {
              obj.offset = reader.uint64Number()
              break
            }
            case 4: {
              obj.length = reader.uint32()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sha256`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.offset`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.length`,
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

  export interface BlobRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface BlobRequestSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlobRequestOffsetFieldEvent {
    field: '$.offset'
    value: number
  }

  export interface BlobRequestLengthFieldEvent {
    field: '$.length'
    value: number
  }

  export function encode (obj: Partial<BlobRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): BlobRequest {
    return decodeMessage(buf, BlobRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): Generator<BlobRequestVersionFieldEvent | BlobRequestSha256FieldEvent | BlobRequestOffsetFieldEvent | BlobRequestLengthFieldEvent> {
    return streamMessage(buf, BlobRequest.codec(), opts)
  }
}

export interface BlobResponse {
  version: number
  total: number
  data: Uint8Array<ArrayBuffer>
  error: string
}

export namespace BlobResponse {
  let _codec: Codec<BlobResponse>

  export const codec = (): Codec<BlobResponse> => {
    if (_codec == null) {
      _codec = message<BlobResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.total != null && obj.total !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.total)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.data)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(34)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          total: 0,
          data: uint8ArrayAlloc(0),
          error: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.total = reader.uint64Number()
              break
            }
            case 3: {
              obj.data = reader.bytes()
              break
            }
            case 4: {
              obj.error = reader.string()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.total`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
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

  export interface BlobResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface BlobResponseTotalFieldEvent {
    field: '$.total'
    value: number
  }

  export interface BlobResponseDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlobResponseErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<BlobResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobResponse>): BlobResponse {
    return decodeMessage(buf, BlobResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobResponse>): Generator<BlobResponseVersionFieldEvent | BlobResponseTotalFieldEvent | BlobResponseDataFieldEvent | BlobResponseErrorFieldEvent> {
    return streamMessage(buf, BlobResponse.codec(), opts)
  }
}

export interface PeersRequest {
  version: number
  max: number
}

export namespace PeersRequest {
  let _codec: Codec<PeersRequest>

  export const codec = (): Codec<PeersRequest> => {
    if (_codec == null) {
      _codec = message<PeersRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.max != null && obj.max !== 0)) {
          w.uint32(16)
          w.uint32(obj.max)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          max: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.max = reader.uint32()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.max`,
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

  export interface PeersRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PeersRequestMaxFieldEvent {
    field: '$.max'
    value: number
  }

  export function encode (obj: Partial<PeersRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PeersRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PeersRequest>): PeersRequest {
    return decodeMessage(buf, PeersRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PeersRequest>): Generator<PeersRequestVersionFieldEvent | PeersRequestMaxFieldEvent> {
    return streamMessage(buf, PeersRequest.codec(), opts)
  }
}

export interface PeersResponse {
  version: number
  peers: string[]
}

export namespace PeersResponse {
  let _codec: Codec<PeersResponse>

  export const codec = (): Codec<PeersResponse> => {
    if (_codec == null) {
      _codec = message<PeersResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.peers != null && obj.peers.length > 0) {
          for (const value of obj.peers) {
            w.uint32(18)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          peers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              if (opts.limits?.peers != null && obj.peers.length === opts.limits.peers) {
                throw new MaxLengthError('Decode error - repeated field "peers" had too many elements')
              }

              obj.peers.push(reader.string())
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
          peers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              if (opts.limits?.peers != null && obj.peers === opts.limits.peers) {
                throw new MaxLengthError('Streaming decode error - repeated field "peers" had too many elements')
              }

              yield {
                field: `${prefix}.peers[]`,
                index: obj.peers,
                value: reader.string()
              }

              obj.peers++

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

  export interface PeersResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PeersResponsePeersFieldEvent {
    field: '$.peers[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<PeersResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PeersResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PeersResponse>): PeersResponse {
    return decodeMessage(buf, PeersResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PeersResponse>): Generator<PeersResponseVersionFieldEvent | PeersResponsePeersFieldEvent> {
    return streamMessage(buf, PeersResponse.codec(), opts)
  }
}

export interface DirectoryAnnouncement {
  version: number
  domain: string
  netuid: number
  validator: string
  multiaddrs: string[]
  offerings: DirectoryOffering[]
  poolTao: string
  epochCredit: number
  epoch: number
  epochEndsAt: number
  issuedAt: number
  expiresAt: number
  api: string
}

export namespace DirectoryAnnouncement {
  let _codec: Codec<DirectoryAnnouncement>

  export const codec = (): Codec<DirectoryAnnouncement> => {
    if (_codec == null) {
      _codec = message<DirectoryAnnouncement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.domain != null && obj.domain !== '')) {
          w.uint32(18)
          w.string(obj.domain)
        }

        if ((obj.netuid != null && obj.netuid !== 0)) {
          w.uint32(24)
          w.uint32(obj.netuid)
        }

        if ((obj.validator != null && obj.validator !== '')) {
          w.uint32(34)
          w.string(obj.validator)
        }

        if (obj.multiaddrs != null && obj.multiaddrs.length > 0) {
          for (const value of obj.multiaddrs) {
            w.uint32(42)
            w.string(value)
          }
        }

        if (obj.offerings != null && obj.offerings.length > 0) {
          for (const value of obj.offerings) {
            w.uint32(50)
            DirectoryOffering.codec().encode(value, w)
          }
        }

        if ((obj.poolTao != null && obj.poolTao !== '')) {
          w.uint32(58)
          w.string(obj.poolTao)
        }

        if ((obj.epochCredit != null && obj.epochCredit !== 0)) {
          w.uint32(65)
          w.double(obj.epochCredit)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(72)
          w.uint32(obj.epoch)
        }

        if ((obj.epochEndsAt != null && obj.epochEndsAt !== 0)) {
          w.uint32(80)
          w.uint64Number(obj.epochEndsAt)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0)) {
          w.uint32(88)
          w.uint64Number(obj.issuedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(96)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.api != null && obj.api !== '')) {
          w.uint32(106)
          w.string(obj.api)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          domain: '',
          netuid: 0,
          validator: '',
          multiaddrs: [],
          offerings: [],
          poolTao: '',
          epochCredit: 0,
          epoch: 0,
          epochEndsAt: 0,
          issuedAt: 0,
          expiresAt: 0,
          api: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.domain = reader.string()
              break
            }
            case 3: {
              obj.netuid = reader.uint32()
              break
            }
            case 4: {
              obj.validator = reader.string()
              break
            }
            case 5: {
              if (opts.limits?.multiaddrs != null && obj.multiaddrs.length === opts.limits.multiaddrs) {
                throw new MaxLengthError('Decode error - repeated field "multiaddrs" had too many elements')
              }

              obj.multiaddrs.push(reader.string())
              break
            }
            case 6: {
              if (opts.limits?.offerings != null && obj.offerings.length === opts.limits.offerings) {
                throw new MaxLengthError('Decode error - repeated field "offerings" had too many elements')
              }

              obj.offerings.push(DirectoryOffering.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.offerings$
              }))
              break
            }
            case 7: {
              obj.poolTao = reader.string()
              break
            }
            case 8: {
              obj.epochCredit = reader.double()
              break
            }
            case 9: {
              obj.epoch = reader.uint32()
              break
            }
            case 10: {
              obj.epochEndsAt = reader.uint64Number()
              break
            }
            case 11: {
              obj.issuedAt = reader.uint64Number()
              break
            }
            case 12: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 13: {
              obj.api = reader.string()
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
          multiaddrs: 0,
          offerings: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.domain`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.netuid`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.validator`,
                value: reader.string()
              }
              break
            }
            case 5: {
              if (opts.limits?.multiaddrs != null && obj.multiaddrs === opts.limits.multiaddrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "multiaddrs" had too many elements')
              }

              yield {
                field: `${prefix}.multiaddrs[]`,
                index: obj.multiaddrs,
                value: reader.string()
              }

              obj.multiaddrs++

              break
            }
            case 6: {
              if (opts.limits?.offerings != null && obj.offerings === opts.limits.offerings) {
                throw new MaxLengthError('Streaming decode error - repeated field "offerings" had too many elements')
              }

              for (const evt of DirectoryOffering.codec().stream(reader, reader.uint32(), `${prefix}.offerings[]`, {
                limits: opts.limits?.offerings$
              })) {
                yield {
                  ...evt,
                  index: obj.offerings
                }
              }

              obj.offerings++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.poolTao`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.epochCredit`,
                value: reader.double()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.epochEndsAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.api`,
                value: reader.string()
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

  export interface DirectoryAnnouncementVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface DirectoryAnnouncementDomainFieldEvent {
    field: '$.domain'
    value: string
  }

  export interface DirectoryAnnouncementNetuidFieldEvent {
    field: '$.netuid'
    value: number
  }

  export interface DirectoryAnnouncementValidatorFieldEvent {
    field: '$.validator'
    value: string
  }

  export interface DirectoryAnnouncementMultiaddrsFieldEvent {
    field: '$.multiaddrs[]'
    index: number
    value: string
  }

  export interface DirectoryAnnouncementOfferingsKindFieldEvent {
    field: '$.offerings[].kind'
    value: string
    index: number
  }

  export interface DirectoryAnnouncementOfferingsKindVersionFieldEvent {
    field: '$.offerings[].kindVersion'
    value: number
    index: number
  }

  export interface DirectoryAnnouncementOfferingsModelsFieldEvent {
    field: '$.offerings[].models[]'
    index: number
    value: string
  }

  export interface DirectoryAnnouncementPoolTaoFieldEvent {
    field: '$.poolTao'
    value: string
  }

  export interface DirectoryAnnouncementEpochCreditFieldEvent {
    field: '$.epochCredit'
    value: number
  }

  export interface DirectoryAnnouncementEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface DirectoryAnnouncementEpochEndsAtFieldEvent {
    field: '$.epochEndsAt'
    value: number
  }

  export interface DirectoryAnnouncementIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export interface DirectoryAnnouncementExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface DirectoryAnnouncementApiFieldEvent {
    field: '$.api'
    value: string
  }

  export function encode (obj: Partial<DirectoryAnnouncement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectoryAnnouncement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryAnnouncement>): DirectoryAnnouncement {
    return decodeMessage(buf, DirectoryAnnouncement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryAnnouncement>): Generator<DirectoryAnnouncementVersionFieldEvent | DirectoryAnnouncementDomainFieldEvent | DirectoryAnnouncementNetuidFieldEvent | DirectoryAnnouncementValidatorFieldEvent | DirectoryAnnouncementMultiaddrsFieldEvent | DirectoryAnnouncementOfferingsKindFieldEvent | DirectoryAnnouncementOfferingsKindVersionFieldEvent | DirectoryAnnouncementOfferingsModelsFieldEvent | DirectoryAnnouncementPoolTaoFieldEvent | DirectoryAnnouncementEpochCreditFieldEvent | DirectoryAnnouncementEpochFieldEvent | DirectoryAnnouncementEpochEndsAtFieldEvent | DirectoryAnnouncementIssuedAtFieldEvent | DirectoryAnnouncementExpiresAtFieldEvent | DirectoryAnnouncementApiFieldEvent> {
    return streamMessage(buf, DirectoryAnnouncement.codec(), opts)
  }
}

export interface DirectoryOffering {
  kind: string
  kindVersion: number
  models: string[]
}

export namespace DirectoryOffering {
  let _codec: Codec<DirectoryOffering>

  export const codec = (): Codec<DirectoryOffering> => {
    if (_codec == null) {
      _codec = message<DirectoryOffering>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(10)
          w.string(obj.kind)
        }

        if ((obj.kindVersion != null && obj.kindVersion !== 0)) {
          w.uint32(16)
          w.uint32(obj.kindVersion)
        }

        if (obj.models != null && obj.models.length > 0) {
          for (const value of obj.models) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: '',
          kindVersion: 0,
          models: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = reader.string()
              break
            }
            case 2: {
              obj.kindVersion = reader.uint32()
              break
            }
            case 3: {
              if (opts.limits?.models != null && obj.models.length === opts.limits.models) {
                throw new MaxLengthError('Decode error - repeated field "models" had too many elements')
              }

              obj.models.push(reader.string())
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
          models: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kindVersion`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              if (opts.limits?.models != null && obj.models === opts.limits.models) {
                throw new MaxLengthError('Streaming decode error - repeated field "models" had too many elements')
              }

              yield {
                field: `${prefix}.models[]`,
                index: obj.models,
                value: reader.string()
              }

              obj.models++

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

  export interface DirectoryOfferingKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface DirectoryOfferingKindVersionFieldEvent {
    field: '$.kindVersion'
    value: number
  }

  export interface DirectoryOfferingModelsFieldEvent {
    field: '$.models[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<DirectoryOffering>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectoryOffering.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryOffering>): DirectoryOffering {
    return decodeMessage(buf, DirectoryOffering.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryOffering>): Generator<DirectoryOfferingKindFieldEvent | DirectoryOfferingKindVersionFieldEvent | DirectoryOfferingModelsFieldEvent> {
    return streamMessage(buf, DirectoryOffering.codec(), opts)
  }
}

export interface SignedAnnouncement {
  version: number
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedAnnouncement {
  let _codec: Codec<SignedAnnouncement>

  export const codec = (): Codec<SignedAnnouncement> => {
    if (_codec == null) {
      _codec = message<SignedAnnouncement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.body = reader.bytes()
              break
            }
            case 3: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signature`,
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

  export interface SignedAnnouncementVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SignedAnnouncementBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedAnnouncementSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedAnnouncement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedAnnouncement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedAnnouncement>): SignedAnnouncement {
    return decodeMessage(buf, SignedAnnouncement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedAnnouncement>): Generator<SignedAnnouncementVersionFieldEvent | SignedAnnouncementBodyFieldEvent | SignedAnnouncementSignatureFieldEvent> {
    return streamMessage(buf, SignedAnnouncement.codec(), opts)
  }
}
