/**
 * Where a contributor keeps the receipts it was given: they are its proof of work when it claims.
 * Stored as the exact signed bytes so that they verify again later.
 */
import type { SignedReceipt } from '../protocol/types.ts'

export interface StoredReceipt {
  receiptId: string
  validator: string
  epoch: number
  credit: number
  bodyBytes: Uint8Array
  signature: Uint8Array
}

export interface ReceiptStore {
  put(receipt: SignedReceipt): Promise<void>
  list(): Promise<StoredReceipt[]>
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

export function createMemoryReceiptStore(): ReceiptStore {
  const receipts = new Map<string, StoredReceipt>()
  return {
    put: async (receipt) => {
      receipts.set(receipt.body.receiptId, toStored(receipt))
    },
    list: async () => [...receipts.values()],
  }
}
