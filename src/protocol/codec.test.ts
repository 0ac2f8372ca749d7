import { describe, expect, it } from 'vitest'
import {
  decodeLeaseRequest,
  decodeLeaseResponse,
  decodeOffer,
  decodeResult,
  decodeResultResponse,
  encodeLeaseRequest,
  encodeLeaseResponse,
  encodeOffer,
  encodeResult,
  encodeResultResponse,
} from './codec.ts'
import { MAX_TENSOR_ELEMENTS, MESSAGE_LIMITS } from './constants.ts'
import * as pb from './messages.ts'
import type { Matrix, WorkOffer } from './types.ts'

const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

const offer: WorkOffer = {
  netuid: 1,
  validator: PEER,
  offerId: 'b0t3',
  kind: 'gemm',
  m: 64,
  n: 64,
  k: 256,
  flops: 2 * 64 * 64 * 256,
  expiresAt: 1_700_000_000_000,
  epoch: 7,
}

function matrix(rows: number, cols: number): Matrix {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 3) }
}

describe('protocol codec', () => {
  it('round-trips an offer', () => {
    expect(decodeOffer(encodeOffer(offer))).toEqual(offer)
  })

  it('round-trips lease requests, grants and refusals', () => {
    expect(decodeLeaseRequest(encodeLeaseRequest({ offerId: 'b0t3', engine: 'webgpu' }))).toEqual({
      offerId: 'b0t3',
      engine: 'webgpu',
    })
    const grant = {
      type: 'grant',
      leaseId: 'l-1',
      offerId: 'b0t3',
      expiresAt: 5,
      work: { kind: 'gemm', a: matrix(3, 5), b: matrix(5, 7) },
    } as const
    expect(decodeLeaseResponse(encodeLeaseResponse(grant))).toEqual(grant)
    const refusal = { type: 'refusal', offerId: 'b0t3', reason: 'already-leased', message: 'taken' } as const
    expect(decodeLeaseResponse(encodeLeaseResponse(refusal))).toEqual(refusal)
  })

  it('carries tensors as raw f32 bytes, not text', () => {
    const a = matrix(16, 16)
    const bytes = encodeResult({
      leaseId: 'l-1',
      output: { kind: 'gemm', c: a },
      engine: 'cpu',
      elapsedMs: 3,
    })
    expect(bytes.byteLength).toBeLessThan(a.data.byteLength + 64)
    expect(decodeResult(bytes).output).toEqual({ kind: 'gemm', c: a })
  })

  it('decodes tensors from a frame at any offset, as Node Buffers hand them over', () => {
    const c = matrix(3, 3)
    const bytes = encodeResult({ leaseId: 'l-1', output: { kind: 'gemm', c }, engine: 'cpu', elapsedMs: 0 })
    const frame = Buffer.alloc(bytes.byteLength + 3)
    frame.set(bytes, 3)
    expect(decodeResult(frame.subarray(3)).output).toEqual({ kind: 'gemm', c })
  })

  it('round-trips inference work: an offer with its model, named f32 and i64 tensors in and out', () => {
    const model = 'ab'.repeat(32)
    const inferOffer = { ...offer, kind: 'infer', model, m: 1, n: 1, k: 1 } as const
    expect(decodeOffer(encodeOffer(inferOffer))).toEqual(inferOffer)
    const inputs = [
      { name: 'input', dtype: 'float32', shape: [1, 4], data: Float32Array.of(1, 2, 3, 4) },
      { name: 'sr', dtype: 'int64', shape: [], data: BigInt64Array.of(16_000n) },
    ] as const
    const grant = {
      type: 'grant',
      leaseId: 'l-2',
      offerId: 'i0b0',
      expiresAt: 9,
      work: { kind: 'infer', model, inputs: [...inputs] },
    } as const
    expect(decodeLeaseResponse(encodeLeaseResponse(grant as never))).toEqual(grant)
    const result = {
      leaseId: 'l-2',
      output: {
        kind: 'infer',
        outputs: [{ name: 'output', dtype: 'float32', shape: [1, 1], data: Float32Array.of(0.9) }],
      },
      engine: 'wasm',
      elapsedMs: 1,
    } as const
    expect(decodeResult(encodeResult(result as never))).toEqual(result)
  })

  it('rejects inference work without a model hash, or with tensors that lie about their shape', () => {
    const noModel = pb.WorkOffer.encode({ ...offer, version: 1, kind: 'infer', model: 'not-a-hash' })
    expect(() => decodeOffer(noModel)).toThrow(expect.objectContaining({ field: 'model' }))
    const lying = pb.WorkResult.encode({
      version: 1,
      leaseId: 'l-2',
      engine: 'wasm',
      elapsedMs: 0,
      outputs: [{ name: 'y', dtype: 0, shape: [2, 2], data: new Uint8Array(12) }],
    })
    expect(() => decodeResult(lying)).toThrow(expect.objectContaining({ field: 'outputs[0].data' }))
    const badType = pb.WorkResult.encode({
      version: 1,
      leaseId: 'l-2',
      engine: 'wasm',
      elapsedMs: 0,
      outputs: [{ name: 'y', dtype: 7, shape: [1], data: new Uint8Array(4) }],
    })
    expect(() => decodeResult(badType)).toThrow(expect.objectContaining({ field: 'outputs[0].dtype' }))
  })

  it('round-trips a rejection', () => {
    const rejection = {
      type: 'rejection',
      leaseId: 'l-1',
      reason: 'verification-failed',
      message: 'row 3',
    } as const
    expect(decodeResultResponse(encodeResultResponse(rejection))).toEqual(rejection)
  })

  it('refuses messages over their size limit before parsing', () => {
    const big = new Uint8Array(MESSAGE_LIMITS.offer + 1)
    expect(() => decodeOffer(big)).toThrow(expect.objectContaining({ name: 'MessageTooLargeError' }))
    expect(() => decodeResult(new Uint8Array(MESSAGE_LIMITS.result + 1))).toThrow(
      expect.objectContaining({ name: 'MessageTooLargeError' }),
    )
  })

  it('names malformed protobuf', () => {
    expect(() => decodeOffer(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })

  it('rejects a message from another protocol version', () => {
    const bytes = pb.WorkOffer.encode({ ...offer, version: 2 })
    expect(() => decodeOffer(bytes)).toThrow(expect.objectContaining({ name: 'UnsupportedVersionError' }))
  })

  it.each([
    ['an empty offer id', { offerId: '' }, 'offerId'],
    ['an unknown work kind', { kind: 'mine-bitcoin' }, 'kind'],
    ['a zero dimension', { m: 0 }, 'm'],
    ['a dimension past the limit', { k: 1 << 20 }, 'k'],
    ['a validator that is not a peer id', { validator: 'not a peer id' }, 'validator'],
  ])('rejects an offer with %s', (_what, patch, field) => {
    const bytes = pb.WorkOffer.encode({ ...offer, version: 1, ...patch })
    expect(() => decodeOffer(bytes)).toThrow(expect.objectContaining({ name: 'InvalidMessageError', field }))
  })

  it('rejects a tensor whose bytes do not match its shape', () => {
    const bytes = pb.WorkResult.encode({
      version: 1,
      leaseId: 'l-1',
      c: { shape: [4, 4], data: new Uint8Array(60) },
      engine: 'cpu',
      elapsedMs: 0,
    })
    expect(() => decodeResult(bytes)).toThrow(
      expect.objectContaining({ name: 'InvalidMessageError', field: 'c.data' }),
    )
  })

  it('rejects tensors of too many elements or rank', () => {
    const huge = pb.WorkResult.encode({
      version: 1,
      leaseId: 'l-1',
      c: { shape: [MAX_TENSOR_ELEMENTS, 2], data: new Uint8Array(8) },
      engine: 'cpu',
      elapsedMs: 0,
    })
    expect(() => decodeResult(huge)).toThrow(expect.objectContaining({ name: 'InvalidMessageError' }))
    const rank3 = pb.WorkResult.encode({
      version: 1,
      leaseId: 'l-1',
      c: { shape: [2, 2, 2], data: new Uint8Array(32) },
      engine: 'cpu',
      elapsedMs: 0,
    })
    expect(() => decodeResult(rank3)).toThrow(/shape|rank|too many/)
  })

  it('rejects a grant whose matrices do not chain', () => {
    const bytes = encodeLeaseResponse({
      type: 'grant',
      leaseId: 'l-1',
      offerId: 'b0t3',
      expiresAt: 5,
      work: { kind: 'gemm', a: matrix(3, 5), b: matrix(4, 7) },
    })
    expect(() => decodeLeaseResponse(bytes)).toThrow(expect.objectContaining({ field: 'grant.b' }))
  })

  it('rejects a response holding both or neither alternative', () => {
    expect(() => decodeLeaseResponse(pb.LeaseResponse.encode({ version: 1 }))).toThrow(
      expect.objectContaining({ name: 'InvalidMessageError', field: 'grant|refusal' }),
    )
    const both = pb.ResultResponse.encode({
      version: 1,
      receipt: { body: new Uint8Array(1), signature: new Uint8Array(1) },
      rejection: { leaseId: 'l', reason: 'banned', message: '' },
    })
    expect(() => decodeResultResponse(both)).toThrow(expect.objectContaining({ field: 'receipt|rejection' }))
  })

  it('rejects an unknown rejection reason', () => {
    const bytes = pb.ResultResponse.encode({
      version: 1,
      rejection: { leaseId: 'l', reason: 'whatever', message: '' },
    })
    expect(() => decodeResultResponse(bytes)).toThrow(expect.objectContaining({ field: 'rejection.reason' }))
  })
})
