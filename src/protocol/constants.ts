/**
 * Names and limits shared by the browser and the validator. Every limit says why it has its value:
 * they bound what an untrusted peer can make us allocate or compute.
 */

/** Wire version carried in every message; bumped with the protocol ids and topic below. */
export const PROTOCOL_VERSION = 1

/** Stream protocol a contributor opens to ask for a lease on an offer. */
export const LEASE_PROTOCOL = '/tessera/lease/1'

/** Stream protocol a contributor opens to hand in the result of a lease. */
export const RESULT_PROTOCOL = '/tessera/result/1'

/** Gossip topic where a subnet's validators publish work offers. */
export function workTopic(netuid: number): string {
  return `/tessera/${netuid}/work/1`
}

/** Stream protocol a contributor opens to claim its receipts for a payout address. */
export const CLAIM_PROTOCOL = '/tessera/claim/1'

/** Stream protocol for content-addressed blobs (ONNX models, input data), fetched in chunks. */
export const BLOB_PROTOCOL = '/tessera/blob/1'

/** Largest chunk one blob request returns: small enough to show progress and resume cheaply. */
export const MAX_BLOB_CHUNK = 1024 * 1024

/** Largest blob a contributor will download: a small model fits many times; a full LLM does not. */
export const MAX_BLOB_SIZE = 512 * 1024 * 1024

/** Domain tag inside every signed receipt body, so a receipt signature is never valid for other data. */
export const RECEIPT_DOMAIN = 'tessera-receipt/1'

/** Domain tag inside the validator's signed acknowledgment of a claim. */
export const CLAIM_ACK_DOMAIN = 'tessera-claim-ack/1'

/** Receipts one claim may name: an epoch of small shards from one browser fits several times over. */
export const MAX_CLAIM_RECEIPTS = 4096

/** Longest claim text a wallet is asked to sign: a dozen short lines. */
export const MAX_CLAIM_MESSAGE_BYTES = 2048

/** Longest id (offer, lease, receipt) accepted: ours are under 64 characters. */
export const MAX_ID_LENGTH = 128

/** Longest free-text field (refusal and rejection messages): enough for a sentence, not a payload. */
export const MAX_TEXT_LENGTH = 512

/** Largest matrix side in a shard: 64 Ki keeps m*k in a u32 index on the GPU for every tile we issue. */
export const MAX_DIM = 65_536

/** Largest tensor in any message: 4 Mi f32 (16 MiB) keeps one shard within a browser tab's comfort. */
export const MAX_TENSOR_ELEMENTS = 4 * 1024 * 1024

/** GEMM tensors are matrices; higher ranks are refused rather than silently flattened. */
export const MAX_TENSOR_RANK = 2

/** Named (inference) tensors: rank 0 (scalars) to 4 covers batch x channel x height x width. */
export const MAX_NAMED_TENSOR_RANK = 4

/** Inputs or outputs of one inference shard. */
export const MAX_NAMED_TENSORS = 16

/** Framing allowance on top of tensor bytes for ids, numbers and protobuf tags. */
const ENVELOPE_BYTES = 4096

/** Size limits per message, applied before any parsing. */
export const MESSAGE_LIMITS = {
  offer: ENVELOPE_BYTES,
  leaseRequest: ENVELOPE_BYTES,
  leaseResponse: 2 * MAX_TENSOR_ELEMENTS * 8 + ENVELOPE_BYTES,
  result: MAX_TENSOR_ELEMENTS * 8 + ENVELOPE_BYTES,
  resultResponse: ENVELOPE_BYTES,
  claimRequest: MAX_CLAIM_RECEIPTS * (MAX_ID_LENGTH + 3) + MAX_CLAIM_MESSAGE_BYTES + ENVELOPE_BYTES,
  claimResponse: ENVELOPE_BYTES,
  blobRequest: ENVELOPE_BYTES,
  blobResponse: MAX_BLOB_CHUNK + ENVELOPE_BYTES,
} as const

export type MessageName = keyof typeof MESSAGE_LIMITS
