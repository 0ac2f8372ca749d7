/** Claims in SQLite: a claim and its receipts' claimed marks are one transaction. */
import type Database from 'better-sqlite3'
import { AlreadyClaimedError, type ClaimRecord, type ClaimStore, ReplayedClaimError } from '../types.ts'

export function sqliteClaims(db: Database.Database): ClaimStore {
  const nonce = db.prepare('SELECT 1 FROM claims WHERE contributor = ? AND nonce = ?').pluck()
  const insert = db.prepare(`INSERT INTO claims
    (claim_id, contributor, address, nonce, epochs, receipts_root, credit, message, signature, recorded_at)
    VALUES (@claimId, @contributor, @address, @nonce, @epochs, @receiptsRoot, @credit, @message, @signature, @recordedAt)`)
  const isClaimed = db.prepare('SELECT 1 FROM claimed_receipts WHERE receipt_id = ?').pluck()
  const insertClaimed = db.prepare('INSERT INTO claimed_receipts (receipt_id, claim_id) VALUES (?, ?)')
  const byAddress = db.prepare(`SELECT claim_id AS claimId, contributor, address, nonce, epochs,
    receipts_root AS receiptsRoot, credit, recorded_at AS recordedAt FROM claims WHERE address = ? ORDER BY recorded_at`)

  const record = db.transaction((claim: ClaimRecord, receiptIds: string[]) => {
    if (nonce.get(claim.contributor, claim.nonce) != null)
      throw new ReplayedClaimError('this claim was already submitted')
    for (const id of receiptIds) {
      if (isClaimed.get(id) != null) throw new AlreadyClaimedError(`receipt ${id} has already been claimed`)
    }
    insert.run({
      ...claim,
      epochs: claim.epochs.join(','),
      receiptsRoot: Buffer.from(claim.receiptsRoot),
      message: Buffer.from(claim.message),
      signature: Buffer.from(claim.signature),
    })
    for (const id of receiptIds) insertClaimed.run(id, claim.claimId)
  })

  return {
    nonceUsed: async (contributor, n) => nonce.get(contributor, n) != null,
    record: async (claim, receiptIds) => record.immediate(claim, receiptIds),
    forAddress: async (address) =>
      (
        byAddress.all(address) as Array<
          Omit<ClaimRecord, 'epochs' | 'message' | 'signature'> & { epochs: string }
        >
      ).map((row) => ({
        ...row,
        epochs: row.epochs.split(',').map(Number),
        receiptsRoot: new Uint8Array(row.receiptsRoot),
      })),
  }
}
