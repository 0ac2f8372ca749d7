/**
 * Names and limits shared by the browser and the validator. Every limit says why it has its value:
 * they bound what an untrusted peer can make us allocate or compute.
 */

/**
 * Version of the work messages (offers, leases, results), carried in each of them and in the topic
 * and protocol ids below. Version 2 carries the work kind explicitly with an opaque payload, sizes
 * shards to the contributor and lets a result ask for the next lease (docs/ARCHITECTURE.md, "Wire").
 */
export const WORK_VERSION = 2

/** Version of the claim and blob messages (unchanged since version 1). */
export const CLAIM_VERSION = 1
export const BLOB_VERSION = 1

/** Version of the peer exchange (added in version 1 of it: nothing older to answer). */
export const PEERS_VERSION = 1

/**
 * Version of the lease and result streams. Version 3 keeps a stream open for any number of
 * request/response pairs in turn, so a shard costs one round trip instead of two (opening a stream
 * negotiates its protocol first); the messages are version 2's. Validators also answer version 2
 * streams (one request each).
 */
export const STREAM_VERSION = 3

/** Stream protocol a contributor keeps open to ask for leases on offers. */
export const LEASE_PROTOCOL = `/tessera/lease/${STREAM_VERSION}`

/** Stream protocol a contributor keeps open to hand in results (each may ask for the next lease). */
export const RESULT_PROTOCOL = `/tessera/result/${STREAM_VERSION}`

/** The same, one request per stream: what version 2 contributors open. */
export const LEGACY_LEASE_PROTOCOL = `/tessera/lease/${WORK_VERSION}`
export const LEGACY_RESULT_PROTOCOL = `/tessera/result/${WORK_VERSION}`

/** Gossip topic where a subnet's validators publish work offers. */
export function workTopic(netuid: number): string {
  return `/tessera/${netuid}/work/${WORK_VERSION}`
}

/** Stream protocol a contributor opens to claim its receipts for a payout address. */
export const CLAIM_PROTOCOL = `/tessera/claim/${CLAIM_VERSION}`

/** Stream protocol for content-addressed blobs (ONNX models, weights, corpora), fetched in chunks. */
export const BLOB_PROTOCOL = `/tessera/blob/${BLOB_VERSION}`

/**
 * Stream protocol a contributor opens to learn other contributors it can reach directly (WebRTC,
 * signalled through the validator as circuit relay), so offers reach it through them as well.
 */
export const PEERS_PROTOCOL = `/tessera/peers/${PEERS_VERSION}`

/** Version of the directory announcements (added in version 1: nothing older to read). */
export const DIRECTORY_VERSION = 1

/** Gossip topic where validators of every subnet announce themselves and what their work pays. */
export const DIRECTORY_TOPIC = `/tessera/directory/${DIRECTORY_VERSION}`

/** Domain tag inside every signed announcement body. */
export const DIRECTORY_DOMAIN = 'tessera-directory/1'

/** Addresses and offerings one announcement may list: a validator's, not a catalogue. */
export const MAX_ANNOUNCED_ADDRS = 8
export const MAX_ANNOUNCED_OFFERINGS = 16

/** Longest an announcement is believed, whatever it says: a validator re-announces well within it. */
export const MAX_ANNOUNCEMENT_TTL_MS = 5 * 60_000

/** Contributors one peer-exchange answer names: enough to pick two, too few to map the pool. */
export const MAX_PEERS_LISTED = 8

/** Largest chunk one blob request returns: small enough to show progress and resume cheaply. */
export const MAX_BLOB_CHUNK = 1024 * 1024

/** Largest blob a contributor will download: a small model fits many times; a full LLM does not. */
export const MAX_BLOB_SIZE = 512 * 1024 * 1024

/** Blobs one offer may name: a model and its data, not a shopping list. */
export const MAX_OFFER_BLOBS = 4

/** Domain tag inside every signed receipt body, so a receipt signature is never valid for other data. */
export const RECEIPT_DOMAIN = 'tessera-receipt/1'

/** Domain tag inside the validator's signed acknowledgment of a claim. */
export const CLAIM_ACK_DOMAIN = 'tessera-claim-ack/1'

/** Receipts one claim may name: an epoch of small shards from one browser fits several times over. */
export const MAX_CLAIM_RECEIPTS = 4096

/** Longest claim text a wallet is asked to sign: a dozen short lines. */
export const MAX_CLAIM_MESSAGE_BYTES = 2048

/** Longest id (offer, lease, shard, receipt) accepted: ours are under 64 characters. */
export const MAX_ID_LENGTH = 128

/** Longest free-text field (refusal and rejection messages): enough for a sentence, not a payload. */
export const MAX_TEXT_LENGTH = 512

/**
 * Largest kind payload (a grant's operands, a result's tensors): 32 MiB holds an 8 Mi-element f32
 * tile, about a second of work on a fast GPU for GEMM with K = 4096. Each kind sets its own, lower
 * limits for its grants and results; this one bounds them all.
 */
export const MAX_PAYLOAD_BYTES = 32 * 1024 * 1024

/** Framing allowance on top of payload bytes for ids, numbers and protobuf tags. */
const ENVELOPE_BYTES = 4096

/** Size limits per message, applied before any parsing. */
export const MESSAGE_LIMITS = {
  offer: ENVELOPE_BYTES,
  leaseRequest: ENVELOPE_BYTES,
  leaseResponse: MAX_PAYLOAD_BYTES + ENVELOPE_BYTES,
  // A result may carry the next lease request.
  result: MAX_PAYLOAD_BYTES + 2 * ENVELOPE_BYTES,
  // A result's answer may carry the next grant.
  resultResponse: MAX_PAYLOAD_BYTES + 2 * ENVELOPE_BYTES,
  receiptBody: ENVELOPE_BYTES,
  claimRequest: MAX_CLAIM_RECEIPTS * (MAX_ID_LENGTH + 3) + MAX_CLAIM_MESSAGE_BYTES + ENVELOPE_BYTES,
  claimResponse: ENVELOPE_BYTES,
  blobRequest: ENVELOPE_BYTES,
  blobResponse: MAX_BLOB_CHUNK + ENVELOPE_BYTES,
  peersRequest: ENVELOPE_BYTES,
  peersResponse: ENVELOPE_BYTES,
  // Eight addresses and sixteen offerings of a few models each, with room to spare.
  announcement: 4 * ENVELOPE_BYTES,
} as const

export type MessageName = keyof typeof MESSAGE_LIMITS
