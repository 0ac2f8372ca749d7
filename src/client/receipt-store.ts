/**
 * Where a contributor keeps the receipts it was given, and the acknowledgments of its claims: they
 * are its proof of work. Receipts are stored as the exact signed bytes so that they verify again later.
 */
import type { SignedClaimAck, SignedReceipt } from '../protocol/types.ts'

export interface StoredReceipt {
  receiptId: string
  validator: string
  epoch: number
  credit: number
  bodyBytes: Uint8Array
  signature: Uint8Array
  /** Set once a claim that names this receipt was acknowledged. */
  claimId?: string
}

export interface StoredClaim {
  claimId: string
  validator: string
  address: string
  epochs: number[]
  receipts: number
  credit: number
  recordedAt: number
  ackBytes: Uint8Array
  ackSignature: Uint8Array
}

export interface ReceiptStore {
  put(receipt: SignedReceipt): Promise<void>
  list(): Promise<StoredReceipt[]>
  /** Marks receipts claimed and keeps the validator's acknowledgment, atomically. */
  recordClaim(ack: SignedClaimAck, receiptIds: string[]): Promise<void>
  claims(): Promise<StoredClaim[]>
}

export function toStored(receipt: SignedReceipt): StoredReceipt {
  const { body } = receipt
  return {
    receiptId: body.receiptId,
    validator: body.validator,
    epoch: body.epoch,
    credit: body.credit,
    bodyBytes: receipt.bodyBytes,
    signature: receipt.signature,
  }
}

export function toStoredClaim(ack: SignedClaimAck): StoredClaim {
  const { body } = ack
  return {
    claimId: body.claimId,
    validator: body.validator,
    address: body.address,
    epochs: body.epochs,
    receipts: body.receipts,
    credit: body.credit,
    recordedAt: body.recordedAt,
    ackBytes: ack.bodyBytes,
    ackSignature: ack.signature,
  }
}

export function createMemoryReceiptStore(): ReceiptStore {
  const receipts = new Map<string, StoredReceipt>()
  const claims = new Map<string, StoredClaim>()
  return {
    put: async (receipt) => {
      receipts.set(receipt.body.receiptId, toStored(receipt))
    },
    list: async () => [...receipts.values()],
    recordClaim: async (ack, ids) => {
      for (const id of ids) {
        const r = receipts.get(id)
        if (r) receipts.set(id, { ...r, claimId: ack.body.claimId })
      }
      claims.set(ack.body.claimId, toStoredClaim(ack))
    },
    claims: async () => [...claims.values()],
  }
}
