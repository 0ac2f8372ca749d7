/**
 * Binary codec for every Tessera message. Decoders check the size limit before parsing, then the
 * schema after it (protobuf alone accepts any missing field or number), and throw one of the typed
 * errors in errors.ts that says which message and field was wrong. Kind payloads stay opaque bytes
 * here; the kind's own codec (src/work/<kind>/) decodes them with its own, lower limits.
 */
import { bytesOf, Check, decodeWithin } from './check.ts'
import {
  BLOB_VERSION,
  CLAIM_VERSION,
  DIRECTORY_DOMAIN,
  DIRECTORY_VERSION,
  MAX_ANNOUNCED_ADDRS,
  MAX_ANNOUNCED_OFFERINGS,
  MAX_BLOB_CHUNK,
  MAX_BLOB_SIZE,
  MAX_CLAIM_MESSAGE_BYTES,
  MAX_CLAIM_RECEIPTS,
  MAX_OFFER_BLOBS,
  MAX_PAYLOAD_BYTES,
  MAX_PEERS_LISTED,
  MESSAGE_LIMITS,
  type MessageName,
  PEERS_VERSION,
  WORK_VERSION,
} from './constants.ts'
import { UnsupportedVersionError } from './errors.ts'
import * as pb from './messages.ts'
import {
  type Announcement,
  CLAIM_REJECTION_REASONS,
  type ClaimAckBody,
  type ClaimRequest,
  type ClaimResponse,
  LEASE_REFUSAL_REASONS,
  type LeaseRequest,
  type LeaseResponse,
  REJECTION_REASONS,
  type ReceiptBody,
  type ResultResponse,
  type SignedReceipt,
  type WorkOffer,
  type WorkResult,
} from './types.ts'

const MAX_U32 = 0xffff_ffff
const MAX_NETUID = 65_535

function parse<T>(name: MessageName, bytes: Uint8Array, decode: (b: Uint8Array) => T): T {
  return decodeWithin(name, MESSAGE_LIMITS[name], bytes, decode)
}

function version(c: Check, got: number, want: number): void {
  if (got !== want) throw new UnsupportedVersionError(c.name, got, want)
}

function payload(c: Check, field: string, bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength > MAX_PAYLOAD_BYTES) c.fail(field, `is over ${MAX_PAYLOAD_BYTES} bytes`)
  return bytes
}

// --- work offer (gossip) ---

export function encodeOffer(offer: WorkOffer): Uint8Array {
  const notes = Object.entries(offer.notes).map(([key, value]) => ({ key, value }))
  return pb.WorkOffer.encode({ version: WORK_VERSION, ...offer, notes })
}

/** At most this many notes of these lengths: an offer stays a small gossip message. */
export const OFFER_NOTE_LIMITS = { count: 16, key: 32, value: 128 }

function checkNotes(c: Check, notes: pb.OfferNote[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [i, { key, value }] of notes.entries()) {
    if (!/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(key) || key.length > OFFER_NOTE_LIMITS.key)
      c.fail(`notes[${i}].key`, `must be a name of at most ${OFFER_NOTE_LIMITS.key} characters`)
    if (value.length > OFFER_NOTE_LIMITS.value)
      c.fail(`notes[${i}].value`, `is over ${OFFER_NOTE_LIMITS.value} characters`)
    if (key in out) c.fail(`notes[${i}].key`, `repeats "${key}"`)
    out[key] = value
  }
  return out
}

export function decodeOffer(bytes: Uint8Array): WorkOffer {
  const raw = parse('offer', bytes, (b) =>
    pb.WorkOffer.decode(b, { limits: { blobs: MAX_OFFER_BLOBS, notes: OFFER_NOTE_LIMITS.count } }),
  )
  const c = new Check('WorkOffer')
  version(c, raw.version, WORK_VERSION)
  const minFlops = c.int('minFlops', raw.minFlops, 1, Number.MAX_SAFE_INTEGER)
  return {
    netuid: c.int('netuid', raw.netuid, 0, MAX_NETUID),
    validator: c.peerId('validator', raw.validator),
    offerId: c.id('offerId', raw.offerId),
    kind: c.kind('kind', raw.kind),
    kindVersion: c.int('kindVersion', raw.kindVersion, 1, MAX_U32),
    minFlops,
    maxFlops: c.int('maxFlops', raw.maxFlops, minFlops, Number.MAX_SAFE_INTEGER),
    expiresAt: c.int('expiresAt', raw.expiresAt, 1, Number.MAX_SAFE_INTEGER),
    epoch: c.int('epoch', raw.epoch, 0, MAX_U32),
    blobs: raw.blobs.map((blob, i) => c.sha256Hex(`blobs[${i}]`, blob)),
    notes: checkNotes(c, raw.notes),
  }
}

// --- lease (stream) ---

function leaseRequestOf(request: LeaseRequest): pb.LeaseRequest {
  return {
    version: WORK_VERSION,
    ...request,
    uplinkBytesPerSecond: request.uplinkBytesPerSecond ?? 0,
    downlinkBytesPerSecond: request.downlinkBytesPerSecond ?? 0,
  }
}

function checkLeaseRequest(c: Check, raw: pb.LeaseRequest, prefix = ''): LeaseRequest {
  version(c, raw.version, WORK_VERSION)
  const rate = (name: string, value: number | undefined, max: number) => {
    if (value == null) return 0
    if (!Number.isFinite(value) || value < 0 || value > max)
      c.fail(`${prefix}${name}`, `must be a finite number in [0, ${max}]`)
    return value
  }
  rate('flopsPerSecond', raw.flopsPerSecond, 1e18)
  const uplink = rate('uplinkBytesPerSecond', raw.uplinkBytesPerSecond, 1e12)
  const downlink = rate('downlinkBytesPerSecond', raw.downlinkBytesPerSecond, 1e12)
  return {
    offerId: c.id(`${prefix}offerId`, raw.offerId),
    kind: c.kind(`${prefix}kind`, raw.kind),
    kindVersion: c.int(`${prefix}kindVersion`, raw.kindVersion, 1, MAX_U32),
    engine: c.id(`${prefix}engine`, raw.engine),
    flopsPerSecond: raw.flopsPerSecond,
    ...(uplink > 0 ? { uplinkBytesPerSecond: uplink } : {}),
    ...(downlink > 0 ? { downlinkBytesPerSecond: downlink } : {}),
  }
}

export function encodeLeaseRequest(request: LeaseRequest): Uint8Array {
  return pb.LeaseRequest.encode(leaseRequestOf(request))
}

export function decodeLeaseRequest(bytes: Uint8Array): LeaseRequest {
  const raw = parse('leaseRequest', bytes, (b) => pb.LeaseRequest.decode(b))
  return checkLeaseRequest(new Check('LeaseRequest'), raw)
}

function leaseResponseOf(response: LeaseResponse): pb.LeaseResponse {
  if (response.type === 'grant') {
    const { type: _, payload: bytes, ...grant } = response
    return { version: WORK_VERSION, grant: { ...grant, payload: bytesOf(bytes) } }
  }
  const { type: _, ...refusal } = response
  return { version: WORK_VERSION, refusal }
}

function checkLeaseResponse(c: Check, raw: pb.LeaseResponse, prefix = ''): LeaseResponse {
  version(c, raw.version, WORK_VERSION)
  if ((raw.grant == null) === (raw.refusal == null))
    c.fail(`${prefix}grant|refusal`, 'must hold exactly one of the two')
  if (raw.grant != null) {
    const g = raw.grant
    const f = `${prefix}grant.`
    return {
      type: 'grant',
      leaseId: c.id(`${f}leaseId`, g.leaseId),
      offerId: c.id(`${f}offerId`, g.offerId),
      shardId: c.id(`${f}shardId`, g.shardId),
      kind: c.kind(`${f}kind`, g.kind),
      kindVersion: c.int(`${f}kindVersion`, g.kindVersion, 1, MAX_U32),
      expiresAt: c.int(`${f}expiresAt`, g.expiresAt, 1, Number.MAX_SAFE_INTEGER),
      flops: c.int(`${f}flops`, g.flops, 1, Number.MAX_SAFE_INTEGER),
      payload: payload(c, `${f}payload`, g.payload),
    }
  }
  const r = raw.refusal!
  const f = `${prefix}refusal.`
  return {
    type: 'refusal',
    offerId: c.id(`${f}offerId`, r.offerId),
    reason: c.member(`${f}reason`, r.reason, LEASE_REFUSAL_REASONS),
    message: c.text(`${f}message`, r.message),
    retryAfterMs: c.int(`${f}retryAfterMs`, r.retryAfterMs, 0, 24 * 3600_000),
  }
}

export function encodeLeaseResponse(response: LeaseResponse): Uint8Array {
  return pb.LeaseResponse.encode(leaseResponseOf(response))
}

export function decodeLeaseResponse(bytes: Uint8Array): LeaseResponse {
  const raw = parse('leaseResponse', bytes, (b) => pb.LeaseResponse.decode(b))
  return checkLeaseResponse(new Check('LeaseResponse'), raw)
}

// --- result (stream) ---

export function encodeResult(result: WorkResult): Uint8Array {
  const { next, payload: bytes, ...rest } = result
  return pb.WorkResult.encode({
    version: WORK_VERSION,
    ...rest,
    payload: bytesOf(bytes),
    ...(next != null ? { next: leaseRequestOf(next) } : {}),
  })
}

export function decodeResult(bytes: Uint8Array): WorkResult {
  const raw = parse('result', bytes, (b) => pb.WorkResult.decode(b))
  const c = new Check('WorkResult')
  version(c, raw.version, WORK_VERSION)
  return {
    leaseId: c.id('leaseId', raw.leaseId),
    kind: c.kind('kind', raw.kind),
    kindVersion: c.int('kindVersion', raw.kindVersion, 1, MAX_U32),
    engine: c.id('engine', raw.engine),
    elapsedMs: c.int('elapsedMs', raw.elapsedMs, 0, MAX_U32),
    payload: payload(c, 'payload', raw.payload),
    ...(raw.next != null ? { next: checkLeaseRequest(c, raw.next, 'next.') } : {}),
  }
}

// --- receipts ---

export function encodeReceiptBody(body: ReceiptBody): Uint8Array {
  return pb.ReceiptBody.encode({ ...body, resultDigest: bytesOf(body.resultDigest) })
}

export function decodeReceiptBody(bytes: Uint8Array): ReceiptBody {
  const raw = parse('receiptBody', bytes, (b) => pb.ReceiptBody.decode(b))
  const c = new Check('ReceiptBody')
  return {
    domain: c.text('domain', raw.domain),
    netuid: c.int('netuid', raw.netuid, 0, MAX_NETUID),
    validator: c.peerId('validator', raw.validator),
    contributor: c.peerId('contributor', raw.contributor),
    receiptId: c.id('receiptId', raw.receiptId),
    leaseId: c.id('leaseId', raw.leaseId),
    shardId: c.id('shardId', raw.shardId),
    // Empty in receipts issued by protocol version 1, which had no offers apart from shards.
    offerId: raw.offerId === '' ? '' : c.id('offerId', raw.offerId),
    kind: c.kind('kind', raw.kind),
    flops: c.int('flops', raw.flops, 1, Number.MAX_SAFE_INTEGER),
    credit: c.finite('credit', raw.credit, 0),
    epoch: c.int('epoch', raw.epoch, 0, MAX_U32),
    issuedAt: c.int('issuedAt', raw.issuedAt, 1, Number.MAX_SAFE_INTEGER),
    resultDigest: c.bytes('resultDigest', raw.resultDigest, 32),
  }
}

export function encodeResultResponse(response: ResultResponse): Uint8Array {
  const next = response.next != null ? { next: leaseResponseOf(response.next) } : {}
  const heldMs = Math.max(0, Math.min(MAX_U32, Math.round(response.heldMs ?? 0)))
  if (response.type === 'receipt') {
    return pb.ResultResponse.encode({
      version: WORK_VERSION,
      receipt: { body: bytesOf(response.bodyBytes), signature: bytesOf(response.signature) },
      ...next,
      heldMs,
    })
  }
  const { leaseId, reason, message } = response
  return pb.ResultResponse.encode({
    version: WORK_VERSION,
    rejection: { leaseId, reason, message },
    ...next,
    heldMs,
  })
}

export function decodeResultResponse(bytes: Uint8Array): ResultResponse {
  const raw = parse('resultResponse', bytes, (b) => pb.ResultResponse.decode(b))
  const c = new Check('ResultResponse')
  version(c, raw.version, WORK_VERSION)
  if ((raw.receipt == null) === (raw.rejection == null))
    c.fail('receipt|rejection', 'must hold exactly one of the two')
  const next = {
    ...(raw.next != null ? { next: checkLeaseResponse(c, raw.next, 'next.') } : {}),
    ...(raw.heldMs > 0 ? { heldMs: raw.heldMs } : {}),
  }
  if (raw.receipt != null) {
    return { type: 'receipt', ...decodeSignedReceipt(raw.receipt.body, raw.receipt.signature), ...next }
  }
  const r = raw.rejection!
  return {
    type: 'rejection',
    leaseId: c.id('rejection.leaseId', r.leaseId),
    reason: c.member('rejection.reason', r.reason, REJECTION_REASONS),
    message: c.text('rejection.message', r.message),
    ...next,
  }
}

/** Receipt bytes as stored (IndexedDB, ledger): body and signature, body checked against the schema. */
export function decodeSignedReceipt(bodyBytes: Uint8Array, signature: Uint8Array): SignedReceipt {
  const c = new Check('Receipt')
  if (signature.byteLength === 0 || signature.byteLength > 512) c.fail('signature', 'must be 1 to 512 bytes')
  return { bodyBytes, signature, body: decodeReceiptBody(bodyBytes) }
}

// --- claims (stream) ---

export function encodeClaimRequest(request: ClaimRequest): Uint8Array {
  return pb.ClaimRequest.encode({
    version: CLAIM_VERSION,
    message: bytesOf(request.message),
    signature: bytesOf(request.signature),
    receiptIds: request.receiptIds,
  })
}

export function decodeClaimRequest(bytes: Uint8Array): ClaimRequest {
  const raw = parse('claimRequest', bytes, (b) =>
    pb.ClaimRequest.decode(b, { limits: { receiptIds: MAX_CLAIM_RECEIPTS } }),
  )
  const c = new Check('ClaimRequest')
  version(c, raw.version, CLAIM_VERSION)
  if (raw.message.byteLength === 0 || raw.message.byteLength > MAX_CLAIM_MESSAGE_BYTES) {
    c.fail('message', `must be 1 to ${MAX_CLAIM_MESSAGE_BYTES} bytes`)
  }
  if (raw.signature.byteLength < 64 || raw.signature.byteLength > 65)
    c.fail('signature', 'must be 64 or 65 bytes')
  if (raw.receiptIds.length === 0) c.fail('receiptIds', 'must name at least one receipt')
  const receiptIds = raw.receiptIds.map((id, i) => c.id(`receiptIds[${i}]`, id))
  if (new Set(receiptIds).size !== receiptIds.length) c.fail('receiptIds', 'must not repeat a receipt')
  return { message: raw.message, signature: raw.signature, receiptIds }
}

export function encodeClaimAckBody(body: ClaimAckBody): Uint8Array {
  return pb.ClaimAckBody.encode({ ...body, receiptsRoot: bytesOf(body.receiptsRoot) })
}

export function decodeClaimAckBody(bytes: Uint8Array): ClaimAckBody {
  const raw = parse('claimResponse', bytes, (b) => pb.ClaimAckBody.decode(b, { limits: { epochs: 64 } }))
  const c = new Check('ClaimAckBody')
  return {
    domain: c.text('domain', raw.domain),
    netuid: c.int('netuid', raw.netuid, 0, MAX_NETUID),
    validator: c.peerId('validator', raw.validator),
    contributor: c.peerId('contributor', raw.contributor),
    claimId: c.id('claimId', raw.claimId),
    address: c.text('address', raw.address),
    epochs: raw.epochs.map((e, i) => c.int(`epochs[${i}]`, e, 0, MAX_U32)),
    receiptsRoot: c.bytes('receiptsRoot', raw.receiptsRoot, 32),
    receipts: c.int('receipts', raw.receipts, 1, MAX_CLAIM_RECEIPTS),
    credit: c.finite('credit', raw.credit, 0),
    recordedAt: c.int('recordedAt', raw.recordedAt, 1, Number.MAX_SAFE_INTEGER),
  }
}

export function encodeClaimResponse(response: ClaimResponse): Uint8Array {
  if (response.type === 'ack') {
    return pb.ClaimResponse.encode({
      version: CLAIM_VERSION,
      ack: { body: bytesOf(response.bodyBytes), signature: bytesOf(response.signature) },
    })
  }
  return pb.ClaimResponse.encode({
    version: CLAIM_VERSION,
    rejection: { reason: response.reason, message: response.message },
  })
}

export function decodeClaimResponse(bytes: Uint8Array): ClaimResponse {
  const raw = parse('claimResponse', bytes, (b) => pb.ClaimResponse.decode(b))
  const c = new Check('ClaimResponse')
  version(c, raw.version, CLAIM_VERSION)
  if ((raw.ack == null) === (raw.rejection == null))
    c.fail('ack|rejection', 'must hold exactly one of the two')
  if (raw.ack != null) {
    if (raw.ack.signature.byteLength === 0 || raw.ack.signature.byteLength > 512) {
      c.fail('ack.signature', 'must be 1 to 512 bytes')
    }
    return {
      type: 'ack',
      bodyBytes: raw.ack.body,
      signature: raw.ack.signature,
      body: decodeClaimAckBody(raw.ack.body),
    }
  }
  const r = raw.rejection!
  return {
    type: 'rejection',
    reason: c.member('rejection.reason', r.reason, CLAIM_REJECTION_REASONS),
    message: c.text('rejection.message', r.message),
  }
}

// --- blobs (stream) ---

export interface BlobRequest {
  sha256: Uint8Array
  offset: number
  length: number
}

export type BlobResponse =
  | { type: 'chunk'; total: number; data: Uint8Array }
  | { type: 'error'; message: string }

export function encodeBlobRequest(request: BlobRequest): Uint8Array {
  return pb.BlobRequest.encode({ version: BLOB_VERSION, ...request, sha256: bytesOf(request.sha256) })
}

export function decodeBlobRequest(bytes: Uint8Array): BlobRequest {
  const raw = parse('blobRequest', bytes, (b) => pb.BlobRequest.decode(b))
  const c = new Check('BlobRequest')
  version(c, raw.version, BLOB_VERSION)
  return {
    sha256: c.bytes('sha256', raw.sha256, 32),
    offset: c.int('offset', raw.offset, 0, MAX_BLOB_SIZE),
    length: c.int('length', raw.length, 1, MAX_BLOB_CHUNK),
  }
}

export function encodeBlobResponse(response: BlobResponse): Uint8Array {
  if (response.type === 'chunk') {
    return pb.BlobResponse.encode({
      version: BLOB_VERSION,
      total: response.total,
      data: bytesOf(response.data),
      error: '',
    })
  }
  return pb.BlobResponse.encode({
    version: BLOB_VERSION,
    total: 0,
    data: new Uint8Array(0),
    error: response.message,
  })
}

export function decodeBlobResponse(bytes: Uint8Array): BlobResponse {
  const raw = parse('blobResponse', bytes, (b) => pb.BlobResponse.decode(b))
  const c = new Check('BlobResponse')
  version(c, raw.version, BLOB_VERSION)
  if (raw.error !== '') return { type: 'error', message: c.text('error', raw.error) }
  if (raw.data.byteLength > MAX_BLOB_CHUNK) c.fail('data', `is over the ${MAX_BLOB_CHUNK}-byte chunk limit`)
  return { type: 'chunk', total: c.int('total', raw.total, 0, MAX_BLOB_SIZE), data: raw.data }
}

// --- peer exchange ---

export interface PeersRequest {
  /** Most peers wanted; the validator answers at most MAX_PEERS_LISTED whatever is asked. */
  max: number
}

export interface PeersResponse {
  /** Peer ids of contributors reachable through the answering validator as circuit relay. */
  peers: string[]
}

export function encodePeersRequest(request: PeersRequest): Uint8Array {
  return pb.PeersRequest.encode({ version: PEERS_VERSION, ...request })
}

export function decodePeersRequest(bytes: Uint8Array): PeersRequest {
  const raw = parse('peersRequest', bytes, (b) => pb.PeersRequest.decode(b))
  const c = new Check('PeersRequest')
  version(c, raw.version, PEERS_VERSION)
  return { max: c.int('max', raw.max, 1, MAX_PEERS_LISTED) }
}

export function encodePeersResponse(response: PeersResponse): Uint8Array {
  return pb.PeersResponse.encode({ version: PEERS_VERSION, ...response })
}

export function decodePeersResponse(bytes: Uint8Array): PeersResponse {
  const raw = parse('peersResponse', bytes, (b) => pb.PeersResponse.decode(b))
  const c = new Check('PeersResponse')
  version(c, raw.version, PEERS_VERSION)
  if (raw.peers.length > MAX_PEERS_LISTED) c.fail('peers', `lists over ${MAX_PEERS_LISTED}`)
  return { peers: raw.peers.map((peer, i) => c.peerId(`peers[${i}]`, peer)) }
}

// --- directory (gossip) ---

/** Longest multiaddr accepted in an announcement: ours are under 120 characters. */
const MAX_MULTIADDR_LENGTH = 256
/** TAO as validators write it: digits with at most 9 decimals (rao). */
const TAO_PATTERN = /^\d{1,12}(\.\d{1,9})?$/

export function encodeAnnouncementBody(body: Announcement): Uint8Array {
  return pb.DirectoryAnnouncement.encode({ version: DIRECTORY_VERSION, domain: DIRECTORY_DOMAIN, ...body })
}

export function decodeAnnouncementBody(bytes: Uint8Array): Announcement {
  const raw = parse('announcement', bytes, (b) =>
    pb.DirectoryAnnouncement.decode(b, {
      limits: {
        multiaddrs: MAX_ANNOUNCED_ADDRS,
        offerings: MAX_ANNOUNCED_OFFERINGS,
        offerings$: { models: MAX_OFFER_BLOBS },
      },
    }),
  )
  const c = new Check('DirectoryAnnouncement')
  version(c, raw.version, DIRECTORY_VERSION)
  if (raw.domain !== DIRECTORY_DOMAIN) c.fail('domain', `must be "${DIRECTORY_DOMAIN}"`)
  const validator = c.peerId('validator', raw.validator)
  if (raw.multiaddrs.length === 0) c.fail('multiaddrs', 'is empty')
  const multiaddrs = raw.multiaddrs.map((ma, i) => {
    if (ma.length > MAX_MULTIADDR_LENGTH || !/^\/[\x21-\x7e]+$/.test(ma) || !ma.endsWith(`/p2p/${validator}`))
      c.fail(`multiaddrs[${i}]`, `must be a multiaddr ending in /p2p/${validator}`)
    return ma
  })
  if (!TAO_PATTERN.test(raw.poolTao)) c.fail('poolTao', 'must be TAO as a decimal with at most 9 decimals')
  if (!Number.isFinite(raw.epochCredit) || raw.epochCredit < 0)
    c.fail('epochCredit', 'must be a finite number ≥ 0')
  const issuedAt = c.int('issuedAt', raw.issuedAt, 1, Number.MAX_SAFE_INTEGER)
  if (
    raw.api !== '' &&
    (raw.api.length > MAX_MULTIADDR_LENGTH || !/^https?:\/\/[\x21-\x7e]+\/$/.test(raw.api))
  )
    c.fail('api', 'must be an http(s) URL ending in /')
  return {
    ...(raw.api !== '' ? { api: raw.api } : {}),
    netuid: c.int('netuid', raw.netuid, 0, MAX_NETUID),
    validator,
    multiaddrs,
    offerings: raw.offerings.map((o, i) => ({
      kind: c.kind(`offerings[${i}].kind`, o.kind),
      kindVersion: c.int(`offerings[${i}].kindVersion`, o.kindVersion, 1, MAX_U32),
      models: o.models.map((m, j) => c.sha256Hex(`offerings[${i}].models[${j}]`, m)),
    })),
    poolTao: raw.poolTao,
    epochCredit: raw.epochCredit,
    epoch: c.int('epoch', raw.epoch, 0, MAX_U32),
    epochEndsAt: c.int('epochEndsAt', raw.epochEndsAt, 1, Number.MAX_SAFE_INTEGER),
    issuedAt,
    expiresAt: c.int('expiresAt', raw.expiresAt, issuedAt, Number.MAX_SAFE_INTEGER),
  }
}

export function encodeSignedAnnouncement(bodyBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  return pb.SignedAnnouncement.encode({
    version: DIRECTORY_VERSION,
    body: bodyBytes as Uint8Array<ArrayBuffer>,
    signature: signature as Uint8Array<ArrayBuffer>,
  })
}

export function decodeSignedAnnouncement(bytes: Uint8Array): {
  bodyBytes: Uint8Array
  signature: Uint8Array
} {
  const raw = parse('announcement', bytes, (b) => pb.SignedAnnouncement.decode(b))
  const c = new Check('SignedAnnouncement')
  version(c, raw.version, DIRECTORY_VERSION)
  if (raw.signature.byteLength === 0 || raw.signature.byteLength > 128)
    c.fail('signature', 'is not a signature')
  return { bodyBytes: raw.body, signature: raw.signature }
}
