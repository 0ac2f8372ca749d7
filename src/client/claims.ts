/**
 * Claiming: gather this browser's unclaimed receipts from one validator, build the claim text the
 * wallet will sign, send the signed claim over /tessera/claim/1, and keep the validator's signed
 * acknowledgment.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { equals } from 'uint8arrays/equals'
import type { TesseraNode } from '../p2p/node-server.ts'
import { request } from '../p2p/rpc.ts'
import { InvalidClaimAckError, verifyClaimAck } from '../protocol/claim-ack.ts'
import { decodeClaimResponse, encodeClaimRequest } from '../protocol/codec.ts'
import { CLAIM_PROTOCOL, MAX_CLAIM_RECEIPTS, MESSAGE_LIMITS } from '../protocol/constants.ts'
import type { ClaimRejectionReason, SignedClaimAck } from '../protocol/types.ts'
import { type ClaimMessage, encodeClaimMessage } from '../wallet/claim-message.ts'
import { receiptsRoot } from '../wallet/merkle.ts'
import type { ReceiptStore, StoredReceipt } from './receipt-store.ts'

/** How long a prepared claim stays signable and valid. */
export const CLAIM_LIFETIME_MS = 10 * 60 * 1000

/** The validator refused the claim; `reason` says which check failed. */
export class ClaimRejectedError extends Error {
  static override name = 'ClaimRejectedError'
  override name = 'ClaimRejectedError'

  constructor(
    readonly reason: ClaimRejectionReason,
    message: string,
  ) {
    super(message)
  }
}

/** There is nothing to claim: no unclaimed receipts from this validator inside the claim window. */
export class NothingToClaimError extends Error {
  static override name = 'NothingToClaimError'
  override name = 'NothingToClaimError'
}

export interface PreparedClaim {
  message: ClaimMessage
  /** Exactly the bytes the wallet is asked to sign (it wraps them in <Bytes>…</Bytes>). */
  bytes: Uint8Array
  receiptIds: string[]
  credit: number
}

export interface PrepareClaimOptions {
  receipts: StoredReceipt[]
  netuid: number
  validator: string
  contributor: string
  payoutAddress: string
  /** Only receipts from this epoch on are still claimable (current epoch - claim window). */
  fromEpoch: number
  now?: number
}

export function prepareClaim(options: PrepareClaimOptions): PreparedClaim {
  const eligible = options.receipts
    .filter((r) => r.validator === options.validator && r.claimId == null && r.epoch >= options.fromEpoch)
    .slice(0, MAX_CLAIM_RECEIPTS)
  if (eligible.length === 0) throw new NothingToClaimError('no unclaimed receipts from this validator yet')
  const receiptIds = eligible.map((r) => r.receiptId)
  const message: ClaimMessage = {
    netuid: options.netuid,
    validator: options.validator,
    contributor: options.contributor,
    epochs: [...new Set(eligible.map((r) => r.epoch))].sort((a, b) => a - b),
    receipts: receiptIds.length,
    receiptsRoot: receiptsRoot(receiptIds),
    payoutAddress: options.payoutAddress,
    nonce: crypto.getRandomValues(new Uint8Array(16)),
    expiresAt: (options.now ?? Date.now()) + CLAIM_LIFETIME_MS,
  }
  return {
    message,
    bytes: encodeClaimMessage(message),
    receiptIds,
    credit: eligible.reduce((s, r) => s + r.credit, 0),
  }
}

export async function submitClaim(
  node: TesseraNode,
  claim: PreparedClaim,
  signature: Uint8Array,
  store?: ReceiptStore,
  /** Where to reach the validator when the node is not connected to it (another subnet's, say). */
  addresses: string[] = [],
): Promise<SignedClaimAck> {
  const validator = claim.message.validator
  if (!node.getConnections().some((c) => c.remotePeer.toString() === validator)) {
    for (const address of addresses) {
      const reached = await node.dial(multiaddr(address), { signal: AbortSignal.timeout(10_000) }).then(
        () => true,
        () => false,
      )
      if (reached) break
    }
  }
  const bytes = await request(
    node,
    peerIdFromString(validator),
    CLAIM_PROTOCOL,
    encodeClaimRequest({ message: claim.bytes, signature, receiptIds: claim.receiptIds }),
    { maxResponseBytes: MESSAGE_LIMITS.claimResponse },
  )
  const response = decodeClaimResponse(bytes)
  if (response.type === 'rejection') throw new ClaimRejectedError(response.reason, response.message)
  const ack = await verifyClaimAck(response.bodyBytes, response.signature, validator)
  const { body } = ack
  if (
    body.address !== claim.message.payoutAddress ||
    body.contributor !== claim.message.contributor ||
    body.receipts !== claim.receiptIds.length ||
    !equals(body.receiptsRoot, claim.message.receiptsRoot)
  ) {
    throw new InvalidClaimAckError('the acknowledgment does not describe the claim that was sent')
  }
  await store?.recordClaim(ack, claim.receiptIds)
  return ack
}
