/**
 * The validator's side of /tessera/claim/1. A claim binds receipts this validator issued to a payout
 * address, signed by that address's wallet. Every check has its own rejection reason, and a claim is
 * recorded in one ledger transaction, so a receipt is never claimed twice.
 */
import type { PrivateKey } from '@libp2p/interface'
import { u8aToHex } from '@polkadot/util'
import { equals } from 'uint8arrays/equals'
import { Offence } from '../p2p/rpc.ts'
import { signClaimAck } from '../protocol/claim-ack.ts'
import { decodeClaimRequest, encodeClaimResponse } from '../protocol/codec.ts'
import type { ClaimRejectionReason, ClaimResponse } from '../protocol/types.ts'
import { type ClaimMessage, parseClaimMessage } from '../wallet/claim-message.ts'
import { verifyClaimSignature } from '../wallet/claim-signature.ts'
import { receiptsRoot } from '../wallet/merkle.ts'
import type { EpochClock } from './epochs.ts'
import { AlreadyClaimedError, type Ledger, ReplayedClaimError } from './ledger/index.ts'
import type { ReceiptRow } from './ledger/types.ts'

/** A signed claim is usable for at most this long: long enough to read and sign, short enough to not linger. */
export const MAX_CLAIM_LIFETIME_MS = 24 * 60 * 60 * 1000

export interface ClaimServiceOptions {
  netuid: number
  validator: string
  privateKey: PrivateKey
  ledger: Pick<Ledger, 'receipts' | 'claims' | 'settlements'>
  epochs: EpochClock
  /** Receipts of epoch e are claimable while the current epoch is at most e + claimEpochs. */
  claimEpochs: number
  now?: () => number
}

export interface ClaimService {
  handle(payload: Uint8Array, remotePeer: string): Promise<ClaimResponse>
  /** The stream handler: the encoded response, an Offence when no honest wallet would have sent it. */
  answer(payload: Uint8Array, remotePeer: string): Promise<Uint8Array | Offence>
}

/**
 * Rejections an honest page never causes: what does not parse, a signature by someone else, a claim
 * for another peer's receipts or one whose receipts do not match what was signed. They count against
 * the sender like malformed messages on any protocol. (Expired, replayed or late claims can be an
 * honest page's clock or a second tab: they do not.)
 */
export const CLAIM_OFFENCES: ReadonlySet<ClaimRejectionReason> = new Set([
  'bad-request',
  'bad-signature',
  'wrong-peer',
  'root-mismatch',
])

/** Why the receipts a claim names cannot be claimed by its sender now, if they cannot. */
async function receiptsProblem(
  rows: ReceiptRow[],
  ids: string[],
  claim: {
    contributor: string
    claimedEpochs: Set<number>
    current: number
    claimEpochs: number
    isSettled(epoch: number): Promise<boolean>
  },
): Promise<[ClaimRejectionReason, string] | undefined> {
  const found = new Set(rows.map((r) => r.receiptId))
  const missing = ids.find((id) => !found.has(id))
  if (missing != null) return ['unknown-receipt', `receipt ${missing} was not issued by this validator`]
  for (const row of rows) {
    if (row.contributor !== claim.contributor)
      return ['unknown-receipt', `receipt ${row.receiptId} was issued to another peer`]
    if (row.forfeited)
      return ['unknown-receipt', `receipt ${row.receiptId} was voided for failed verifications`]
    if (!claim.claimedEpochs.has(row.epoch))
      return ['root-mismatch', `receipt ${row.receiptId} is from epoch ${row.epoch}, not in the claim`]
    if (row.claimId != null) return ['already-claimed', `receipt ${row.receiptId} has already been claimed`]
    if (claim.current > row.epoch + claim.claimEpochs || (await claim.isSettled(row.epoch))) {
      return ['outside-window', `epoch ${row.epoch} is closed for claims`]
    }
  }
  return undefined
}

export function createClaimService(options: ClaimServiceOptions): ClaimService {
  const { ledger, epochs, validator, netuid } = options
  const now = options.now ?? Date.now

  const reject = (reason: ClaimRejectionReason, message: string): ClaimResponse => ({
    type: 'rejection',
    reason,
    message,
  })

  async function handle(payload: Uint8Array, remotePeer: string): Promise<ClaimResponse> {
    let request: ReturnType<typeof decodeClaimRequest>
    let claim: ClaimMessage
    try {
      request = decodeClaimRequest(payload)
      claim = parseClaimMessage(request.message)
    } catch (err) {
      return reject('bad-request', (err as Error).message)
    }
    if (claim.netuid !== netuid)
      return reject('wrong-subnet', `claim is for subnet ${claim.netuid}, this is subnet ${netuid}`)
    if (claim.validator !== validator)
      return reject('wrong-validator', `claim is for validator ${claim.validator}`)
    if (claim.contributor !== remotePeer) {
      return reject('wrong-peer', 'claims must come from the peer that earned the receipts')
    }
    const at = now()
    if (claim.expiresAt <= at)
      return reject('expired', `claim expired at ${new Date(claim.expiresAt).toISOString()}`)
    if (claim.expiresAt > at + MAX_CLAIM_LIFETIME_MS)
      return reject('bad-request', 'claim expiry is more than a day away')
    if (!(await verifyClaimSignature(request.message, request.signature, claim.payoutAddress))) {
      return reject('bad-signature', `signature is not ${claim.payoutAddress}'s signature of this claim`)
    }
    const nonce = u8aToHex(claim.nonce)
    if (await ledger.claims.nonceUsed(remotePeer, nonce))
      return reject('replayed', 'this claim was already submitted')
    if (claim.receipts !== request.receiptIds.length) {
      return reject(
        'root-mismatch',
        `claim says ${claim.receipts} receipts, request names ${request.receiptIds.length}`,
      )
    }
    const root = receiptsRoot(request.receiptIds)
    if (!equals(root, claim.receiptsRoot)) {
      return reject('root-mismatch', 'the receipts named do not match the signed receipts root')
    }

    const rows = await ledger.receipts.byIds(request.receiptIds)
    const claimedEpochs = new Set(claim.epochs)
    const problem = await receiptsProblem(rows, request.receiptIds, {
      contributor: remotePeer,
      claimedEpochs,
      current: epochs.current(at),
      claimEpochs: options.claimEpochs,
      isSettled: (epoch) => ledger.settlements.isSettled(epoch),
    })
    if (problem != null) return reject(...problem)
    const credit = rows.reduce((s, r) => s + r.credit, 0)
    const claimId = crypto.randomUUID()
    try {
      await ledger.claims.record(
        {
          claimId,
          contributor: remotePeer,
          address: claim.payoutAddress,
          nonce,
          epochs: [...claimedEpochs].sort((a, b) => a - b),
          receiptsRoot: root,
          credit,
          message: request.message,
          signature: request.signature,
          recordedAt: at,
        },
        request.receiptIds,
      )
    } catch (err) {
      if (err instanceof AlreadyClaimedError) return reject('already-claimed', err.message)
      if (err instanceof ReplayedClaimError) return reject('replayed', err.message)
      throw err
    }
    const ack = await signClaimAck(
      {
        netuid,
        validator,
        contributor: remotePeer,
        claimId,
        address: claim.payoutAddress,
        epochs: [...claimedEpochs].sort((a, b) => a - b),
        receiptsRoot: root,
        receipts: rows.length,
        credit,
        recordedAt: at,
      },
      options.privateKey,
    )
    return { type: 'ack', ...ack }
  }

  return {
    handle,
    async answer(payload, remotePeer) {
      const response = await handle(payload, remotePeer)
      const bytes = encodeClaimResponse(response)
      if (response.type === 'rejection' && CLAIM_OFFENCES.has(response.reason)) {
        return new Offence(bytes, `claim ${response.reason}`)
      }
      return bytes
    },
  }
}
