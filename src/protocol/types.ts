/**
 * The protocol's messages as both sides use them: plain data, tensors as Float32Array, unions
 * discriminated on `type`. codec.ts turns these into bytes and back.
 */

export const WORK_KINDS = ['gemm', 'infer'] as const
export type WorkKind = (typeof WORK_KINDS)[number]

/** Why a validator refused a lease; the contributor acts on it (drop the offer, back off). */
export const LEASE_REFUSAL_REASONS = [
  'unknown-offer',
  'already-leased',
  'too-many-leases',
  'banned',
  'bad-request',
] as const
export type LeaseRefusalReason = (typeof LEASE_REFUSAL_REASONS)[number]

/** Why a validator rejected a result; none of these earns credit. */
export const REJECTION_REASONS = [
  'unknown-lease',
  'not-your-lease',
  'already-completed',
  'wrong-shape',
  'non-finite',
  'verification-failed',
  'banned',
  'bad-request',
] as const
export type RejectionReason = (typeof REJECTION_REASONS)[number]

export interface Matrix {
  rows: number
  cols: number
  data: Float32Array
}

/** A named tensor of inference work: f32, or i64 for integer inputs such as sample rates. */
export interface NamedTensor {
  name: string
  dtype: 'float32' | 'int64'
  shape: number[]
  data: Float32Array | BigInt64Array
}

export interface WorkOffer {
  netuid: number
  validator: string
  offerId: string
  kind: WorkKind
  m: number
  n: number
  k: number
  flops: number
  expiresAt: number
  epoch: number
  /** infer: the model's sha256 (hex). */
  model?: string
}

export interface LeaseRequest {
  offerId: string
  engine: string
}

/** What a lease hands the contributor, by work kind. */
export type LeaseWork =
  | { kind: 'gemm'; a: Matrix; b: Matrix }
  | { kind: 'infer'; model: string; inputs: NamedTensor[] }

export interface LeaseGrant {
  type: 'grant'
  leaseId: string
  offerId: string
  expiresAt: number
  work: LeaseWork
}

export interface LeaseRefusal {
  type: 'refusal'
  offerId: string
  reason: LeaseRefusalReason
  message: string
}

export type LeaseResponse = LeaseGrant | LeaseRefusal

/** What a contributor hands back, by work kind. */
export type WorkOutput = { kind: 'gemm'; c: Matrix } | { kind: 'infer'; outputs: NamedTensor[] }

export interface WorkResult {
  leaseId: string
  output: WorkOutput
  engine: string
  elapsedMs: number
}

export interface ReceiptBody {
  domain: string
  netuid: number
  validator: string
  contributor: string
  receiptId: string
  leaseId: string
  offerId: string
  kind: WorkKind
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

export type ResultResponse = ({ type: 'receipt' } & SignedReceipt) | ({ type: 'rejection' } & Rejection)

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
