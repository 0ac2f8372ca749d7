/**
 * The protocol's messages as both sides use them: plain data, unions discriminated on `type`.
 * codec.ts turns these into bytes and back. Work kinds are not listed here: a grant or result names
 * its kind and carries the kind's payload as bytes, which only that kind's codec (src/work/<kind>/)
 * decodes.
 */

/** Why a validator refused a lease; the contributor acts on it (drop the offer, back off). */
export const LEASE_REFUSAL_REASONS = [
  'unknown-offer',
  'unknown-kind',
  'over-allowance',
  'busy',
  'banned',
  'bad-request',
] as const
export type LeaseRefusalReason = (typeof LEASE_REFUSAL_REASONS)[number]

/** Why a validator rejected a result; none of these earns credit. */
export const REJECTION_REASONS = [
  'unknown-lease',
  'unknown-kind',
  'not-your-lease',
  'already-completed',
  'wrong-shape',
  'non-finite',
  'verification-failed',
  'banned',
  'bad-request',
  // Added with the train kind (its only user): computed on a model version too old to use; no strike.
  'stale',
] as const
export type RejectionReason = (typeof REJECTION_REASONS)[number]

/** Work offered on gossip: "this validator has work of this kind"; shards are cut per lease. */
export interface WorkOffer {
  netuid: number
  validator: string
  offerId: string
  kind: string
  kindVersion: number
  /** Declared cost of the smallest and largest shard cut from this offer. */
  minFlops: number
  maxFlops: number
  expiresAt: number
  epoch: number
  /** sha256 (hex) of blobs every shard of this offer needs; fetched once and cached. */
  blobs: string[]
  /** The offering's state in short key/value pairs, e.g. a training run's version, step and held-out loss. */
  notes: Record<string, string>
}

export interface LeaseRequest {
  offerId: string
  kind: string
  kindVersion: number
  engine: string
  /** Measured throughput of this contributor for the kind on this engine, FLOP/s; 0 when unknown. */
  flopsPerSecond: number
  /** Measured bytes per second this contributor uploads results at; absent when unknown. */
  uplinkBytesPerSecond?: number
  /** Measured bytes per second it downloads shard inputs at; absent when unknown. */
  downlinkBytesPerSecond?: number
}

export interface LeaseGrant {
  type: 'grant'
  leaseId: string
  offerId: string
  shardId: string
  kind: string
  kindVersion: number
  expiresAt: number
  /** Declared cost of the shard. */
  flops: number
  /** The kind's grant, encoded by its codec. */
  payload: Uint8Array
}

export interface LeaseRefusal {
  type: 'refusal'
  offerId: string
  reason: LeaseRefusalReason
  message: string
  /** Wait this long before asking this validator again (0: no need to wait). */
  retryAfterMs: number
}

export type LeaseResponse = LeaseGrant | LeaseRefusal

export interface WorkResult {
  leaseId: string
  kind: string
  kindVersion: number
  engine: string
  elapsedMs: number
  /** The kind's result, encoded by its codec. */
  payload: Uint8Array
  /** Ask for the next lease in the same round trip. */
  next?: LeaseRequest
}

export interface ReceiptBody {
  domain: string
  netuid: number
  validator: string
  contributor: string
  receiptId: string
  leaseId: string
  /** The shard this receipt pays for; one receipt per shard, ever. */
  shardId: string
  /** The offer the shard was cut from (empty in receipts of protocol version 1). */
  offerId: string
  kind: string
  flops: number
  credit: number
  epoch: number
  issuedAt: number
  resultDigest: Uint8Array
}

/** A receipt as carried and stored: the exact signed bytes, the signature, and the decoded body. */
export interface SignedReceipt {
  bodyBytes: Uint8Array
  signature: Uint8Array
  body: ReceiptBody
}

export interface Rejection {
  leaseId: string
  reason: RejectionReason
  message: string
}

export type ResultOutcome = ({ type: 'receipt' } & SignedReceipt) | ({ type: 'rejection' } & Rejection)

/** The answer to a result: its outcome, and the next lease when the result asked for one. */
export type ResultResponse = ResultOutcome & {
  next?: LeaseResponse
  /** Milliseconds the validator held the result before answering; absent from older validators. */
  heldMs?: number
}

/** Why a validator refused a claim; each condition has its own reason. */
export const CLAIM_REJECTION_REASONS = [
  'bad-request',
  'bad-signature',
  'wrong-peer',
  'wrong-validator',
  'wrong-subnet',
  'expired',
  'replayed',
  'root-mismatch',
  'unknown-receipt',
  'already-claimed',
  'outside-window',
] as const
export type ClaimRejectionReason = (typeof CLAIM_REJECTION_REASONS)[number]

export interface ClaimRequest {
  /** The claim text exactly as the wallet was asked to sign it (unwrapped). */
  message: Uint8Array
  signature: Uint8Array
  receiptIds: string[]
}

export interface ClaimAckBody {
  domain: string
  netuid: number
  validator: string
  contributor: string
  claimId: string
  address: string
  epochs: number[]
  receiptsRoot: Uint8Array
  receipts: number
  credit: number
  recordedAt: number
}

export interface SignedClaimAck {
  bodyBytes: Uint8Array
  signature: Uint8Array
  body: ClaimAckBody
}

export type ClaimResponse =
  | ({ type: 'ack' } & SignedClaimAck)
  | { type: 'rejection'; reason: ClaimRejectionReason; message: string }

/** A kind a validator offers, with the models and data its shards use. */
export interface DirectoryOffering {
  kind: string
  kindVersion: number
  models: string[]
}

/** A validator's announcement on the directory topic (signed by it; see announcement.ts). */
export interface Announcement {
  netuid: number
  validator: string
  multiaddrs: string[]
  offerings: DirectoryOffering[]
  /** What the epoch pays in all, TAO as a decimal string. */
  poolTao: string
  /** Credit (GFLOP) verified so far this epoch. */
  epochCredit: number
  epoch: number
  epochEndsAt: number
  issuedAt: number
  expiresAt: number
  /** Its HTTP API (`…/`), where a page checks what it paid; absent when not announced. */
  api?: string
}

export interface SignedAnnouncement {
  body: Announcement
  /** The body exactly as signed, and the validator's signature over it. */
  bodyBytes: Uint8Array
  signature: Uint8Array
}
