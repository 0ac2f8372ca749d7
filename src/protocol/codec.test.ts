import { describe, expect, it } from 'vitest'
import {
  decodeLeaseRequest,
  decodeLeaseResponse,
  decodeOffer,
  decodePeersRequest,
  decodePeersResponse,
  decodeReceiptBody,
  decodeResult,
  decodeResultResponse,
  encodeLeaseRequest,
  encodeLeaseResponse,
  encodeOffer,
  encodePeersRequest,
  encodePeersResponse,
  encodeReceiptBody,
  encodeResult,
  encodeResultResponse,
} from './codec.ts'
import { MAX_PAYLOAD_BYTES, MAX_PEERS_LISTED, MESSAGE_LIMITS, WORK_VERSION } from './constants.ts'
import * as pb from './messages.ts'
import type { LeaseGrant, LeaseRequest, ReceiptBody, WorkOffer, WorkResult } from './types.ts'

const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

const offer: WorkOffer = {
  netuid: 1,
  validator: PEER,
  offerId: 'gemm',
  kind: 'gemm',
  kindVersion: 1,
  minFlops: 2 * 16 * 16 * 4096,
  maxFlops: 2 * 1024 * 4096 * 4096,
  expiresAt: 1_700_000_000_000,
  epoch: 7,
  blobs: ['ab'.repeat(32)],
  notes: { step: '12', heldOutLoss: '2.31' },
}

const request: LeaseRequest = {
  offerId: 'gemm',
  kind: 'gemm',
  kindVersion: 1,
  engine: 'webgpu',
  flopsPerSecond: 3.5e9,
}

const grant: LeaseGrant = {
  type: 'grant',
  leaseId: 'l-1',
  offerId: 'gemm',
  shardId: 'g0a1b2c3d.0.0.0.16x16',
  kind: 'gemm',
  kindVersion: 1,
  expiresAt: 5,
  flops: 2048,
  payload: Uint8Array.of(1, 2, 3),
}

const result: WorkResult = {
  leaseId: 'l-1',
  kind: 'gemm',
  kindVersion: 1,
  engine: 'cpu',
  elapsedMs: 3,
  payload: Uint8Array.of(9, 8, 7),
}

describe('protocol codec (work messages, version 2)', () => {
  it('round-trips offers, lease requests, grants and refusals', () => {
    expect(decodeOffer(encodeOffer(offer))).toEqual(offer)
    expect(decodeLeaseRequest(encodeLeaseRequest(request))).toEqual(request)
    expect(decodeLeaseResponse(encodeLeaseResponse(grant))).toEqual(grant)
    const refusal = {
      type: 'refusal',
      offerId: 'gemm',
      reason: 'over-allowance',
      message: 'hand in results first',
      retryAfterMs: 1000,
    } as const
    expect(decodeLeaseResponse(encodeLeaseResponse(refusal))).toEqual(refusal)
  })

  it('carries a result with the next lease request, and its answer with the next grant', () => {
    const withNext = { ...result, next: request }
    expect(decodeResult(encodeResult(withNext))).toEqual(withNext)
    const rejection = {
      type: 'rejection',
      leaseId: 'l-1',
      reason: 'verification-failed',
      message: 'row 3',
    } as const
    expect(decodeResultResponse(encodeResultResponse({ ...rejection, next: grant }))).toEqual({
      ...rejection,
      next: grant,
    })
    expect(decodeResultResponse(encodeResultResponse(rejection))).toEqual(rejection)
  })

  it('keeps the kind payload opaque: its bytes, at any offset of the frame', () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff)
    const bytes = encodeResult({ ...result, payload })
    expect(bytes.byteLength).toBeLessThan(payload.byteLength + 64)
    const frame = Buffer.alloc(bytes.byteLength + 3)
    frame.set(bytes, 3)
    expect(new Uint8Array(decodeResult(frame.subarray(3)).payload)).toEqual(payload)
  })

  it('reads receipts of protocol version 1 (offer id in the shard field, no offer field)', () => {
    const body: ReceiptBody = {
      domain: 'tessera-receipt/1',
      netuid: 1,
      validator: PEER,
      contributor: PEER,
      receiptId: 'r-1',
      leaseId: 'l-1',
      shardId: 'b0t3',
      offerId: '',
      kind: 'gemm',
      flops: 10,
      credit: 1e-8,
      epoch: 0,
      issuedAt: 1,
      resultDigest: new Uint8Array(32),
    }
    expect(decodeReceiptBody(encodeReceiptBody(body))).toEqual(body)
  })

  it('refuses messages over their size limit before parsing', () => {
    expect(() => decodeOffer(new Uint8Array(MESSAGE_LIMITS.offer + 1))).toThrow(
      expect.objectContaining({ name: 'MessageTooLargeError' }),
    )
    expect(() => decodeResult(new Uint8Array(MESSAGE_LIMITS.result + 1))).toThrow(
      expect.objectContaining({ name: 'MessageTooLargeError' }),
    )
    // A 32 MiB payload fits the result's limit: the size a large tile needs.
    expect(MESSAGE_LIMITS.result).toBeGreaterThan(MAX_PAYLOAD_BYTES)
  })

  it('names malformed protobuf', () => {
    expect(() => decodeOffer(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })

  it('refuses a message of another version', () => {
    const v1 = pb.WorkOffer.encode({ ...offer, version: 1, notes: [] })
    expect(() => decodeOffer(v1)).toThrow(expect.objectContaining({ name: 'UnsupportedVersionError' }))
    expect(() =>
      decodeResult(pb.WorkResult.encode({ ...result, version: WORK_VERSION + 1 } as pb.WorkResult)),
    ).toThrow(expect.objectContaining({ name: 'UnsupportedVersionError' }))
  })

  it.each([
    ['an empty offer id', { offerId: '' }, 'offerId'],
    ['a kind name that is not one', { kind: 'Mine Bitcoin!' }, 'kind'],
    ['kind version 0', { kindVersion: 0 }, 'kindVersion'],
    ['a largest shard below the smallest', { maxFlops: 1 }, 'maxFlops'],
    ['a blob that is not a sha256', { blobs: ['nope'] }, 'blobs[0]'],
    ['a validator that is not a peer id', { validator: 'not a peer id' }, 'validator'],
    ['a note whose key is not a name', { notes: [{ key: 'a b', value: '1' }] }, 'notes[0].key'],
    ['a note that is too long', { notes: [{ key: 'step', value: 'x'.repeat(129) }] }, 'notes[0].value'],
    [
      'a note given twice',
      {
        notes: [
          { key: 'step', value: '1' },
          { key: 'step', value: '2' },
        ],
      },
      'notes[1].key',
    ],
  ])('rejects an offer with %s', (_what, patch, field) => {
    const bytes = pb.WorkOffer.encode({ ...offer, version: WORK_VERSION, notes: [], ...patch })
    expect(() => decodeOffer(bytes)).toThrow(expect.objectContaining({ name: 'InvalidMessageError', field }))
  })

  it('rejects a lease request with a throughput that is not a number', () => {
    for (const flopsPerSecond of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      const bytes = pb.LeaseRequest.encode({ ...request, version: WORK_VERSION, flopsPerSecond })
      expect(() => decodeLeaseRequest(bytes)).toThrow(expect.objectContaining({ field: 'flopsPerSecond' }))
    }
  })

  it('rejects a response holding both or neither alternative', () => {
    expect(() => decodeLeaseResponse(pb.LeaseResponse.encode({ version: WORK_VERSION }))).toThrow(
      expect.objectContaining({ name: 'InvalidMessageError', field: 'grant|refusal' }),
    )
    const both = pb.ResultResponse.encode({
      version: WORK_VERSION,
      receipt: { body: new Uint8Array(1), signature: new Uint8Array(1) },
      rejection: { leaseId: 'l', reason: 'banned', message: '' },
    })
    expect(() => decodeResultResponse(both)).toThrow(expect.objectContaining({ field: 'receipt|rejection' }))
  })

  it('rejects an unknown rejection or refusal reason', () => {
    const bytes = pb.ResultResponse.encode({
      version: WORK_VERSION,
      rejection: { leaseId: 'l', reason: 'whatever', message: '' },
    })
    expect(() => decodeResultResponse(bytes)).toThrow(expect.objectContaining({ field: 'rejection.reason' }))
    const refusal = pb.LeaseResponse.encode({
      version: WORK_VERSION,
      refusal: { offerId: 'gemm', reason: 'whatever', message: '', retryAfterMs: 0 },
    })
    expect(() => decodeLeaseResponse(refusal)).toThrow(expect.objectContaining({ field: 'refusal.reason' }))
  })
})

describe('peer exchange (version 1)', () => {
  const peer = PEER

  it('round-trips a request and an answer naming peers', () => {
    expect(decodePeersRequest(encodePeersRequest({ max: 2 }))).toEqual({ max: 2 })
    expect(decodePeersResponse(encodePeersResponse({ peers: [peer] }))).toEqual({ peers: [peer] })
  })

  it('refuses answers naming too many peers or something that is not a peer id', () => {
    const many = encodePeersResponse({ peers: Array.from({ length: MAX_PEERS_LISTED + 1 }, () => peer) })
    expect(() => decodePeersResponse(many)).toThrow(expect.objectContaining({ field: 'peers' }))
    const addr = encodePeersResponse({ peers: [`/ip4/1.2.3.4/tcp/1/ws/p2p/${peer}`] })
    expect(() => decodePeersResponse(addr)).toThrow(expect.objectContaining({ field: 'peers[0]' }))
    expect(() => decodePeersRequest(encodePeersRequest({ max: 1000 }))).toThrow(
      expect.objectContaining({ field: 'max' }),
    )
  })
})
