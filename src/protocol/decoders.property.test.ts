/**
 * Property tests over every decoder of untrusted bytes: whatever arrives, a decoder returns a
 * checked message or throws one of the protocol's typed errors, never anything else; and messages
 * written by an independent proto3 encoder (protobufjs, which packs repeated scalars) are read.
 */
import { join } from 'node:path'
import fc from 'fast-check'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { CONTRIBUTOR_KINDS } from '../work/contributor-kinds.ts'
import * as codec from './codec.ts'
import { decodeClaimAckBody } from './codec.ts'

const TYPED = new Set([
  'MessageTooLargeError',
  'MalformedMessageError',
  'InvalidMessageError',
  'UnsupportedVersionError',
])

const decoders: Array<[string, (bytes: Uint8Array) => unknown]> = [
  ['offer', codec.decodeOffer],
  ['lease request', codec.decodeLeaseRequest],
  ['lease response', codec.decodeLeaseResponse],
  ['result', codec.decodeResult],
  ['result response', codec.decodeResultResponse],
  ['claim request', codec.decodeClaimRequest],
  ['claim response', codec.decodeClaimResponse],
  ['blob request', codec.decodeBlobRequest],
  ['blob response', codec.decodeBlobResponse],
  ['peers request', codec.decodePeersRequest],
  ['peers response', codec.decodePeersResponse],
  ['announcement body', codec.decodeAnnouncementBody],
  ['signed announcement', codec.decodeSignedAnnouncement],
  ...CONTRIBUTOR_KINDS.flatMap(
    (k): Array<[string, (b: Uint8Array) => unknown]> => [
      [`${k.name} grant`, (b) => k.grant.decode(b)],
      [`${k.name} result`, (b) => k.result.decode(b)],
    ],
  ),
]

/** Bytes that look like protobuf: tags of small field numbers with every wire type, and noise. */
const protobufish = fc
  .array(
    fc.oneof(
      fc
        .tuple(fc.integer({ min: 1, max: 16 }), fc.constantFrom(0, 1, 2, 5), fc.uint8Array({ maxLength: 12 }))
        .map(([field, wire, body]) =>
          Uint8Array.of((field << 3) | wire, ...(wire === 2 ? [body.length] : []), ...body),
        ),
      fc.uint8Array({ maxLength: 8 }),
    ),
    { maxLength: 24 },
  )
  .map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])))

describe('decoders of untrusted bytes', () => {
  for (const [name, decode] of decoders) {
    it(`${name}: returns a message or throws a typed protocol error, for any bytes`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 256 }), protobufish), (bytes) => {
          try {
            decode(bytes)
          } catch (err) {
            if (!TYPED.has((err as Error).name)) throw err
          }
        }),
        { numRuns: 400 },
      )
    })
  }
})

describe('messages from an independent proto3 encoder', () => {
  it('reads packed repeated fields: an infer result and a claim acknowledgment written by protobufjs', async () => {
    const infer = await protobuf.load(join(import.meta.dirname, '..', 'work', 'infer', 'messages.proto'))
    const InferResult = infer.lookupType('InferResult')
    const bytes = InferResult.encode(
      InferResult.create({
        batches: [{ tensors: [{ name: 'y', dtype: 0, shape: [2, 3], data: new Uint8Array(24) }] }],
      }),
    ).finish()
    // protobufjs packs `repeated uint32 shape` (tag 0x1a, wire type 2), as proto3 says it should.
    expect([...bytes].includes(0x1a)).toBe(true)
    const inferKind = CONTRIBUTOR_KINDS.find((k) => k.name === 'infer')!
    expect(inferKind.result.decode(bytes)).toEqual({
      batches: [[{ name: 'y', dtype: 'float32', shape: [2, 3], data: new Float32Array(6) }]],
    })

    const messages = await protobuf.load(join(import.meta.dirname, 'messages.proto'))
    const Ack = messages.lookupType('ClaimAckBody')
    const ack = Ack.encode(
      Ack.create({
        domain: 'tessera-claim-ack/1',
        netuid: 1,
        validator: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo',
        contributor: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo',
        claimId: 'c1',
        address: '5Grw',
        epochs: [3, 4, 5],
        receiptsRoot: new Uint8Array(32),
        receipts: 2,
        credit: 1.5,
        recordedAt: 7,
      }),
    ).finish()
    expect(decodeClaimAckBody(ack).epochs).toEqual([3, 4, 5])
  })
})
