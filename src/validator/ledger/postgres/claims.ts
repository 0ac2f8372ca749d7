/**
 * Claims in PostgreSQL: a claim and its receipts' claimed marks are one transaction, and the unique
 * keys (a contributor's nonce, a receipt's claimed mark) decide between two processes recording at
 * once: the second gets ReplayedClaimError or AlreadyClaimedError, never a second claim.
 */
import type { Pool } from 'pg'
import { AlreadyClaimedError, type ClaimStore, ReplayedClaimError } from '../types.ts'
import { num, type PgError, transaction, UNIQUE_VIOLATION } from './tx.ts'

export function pgClaims(pool: Pool): ClaimStore {
  return {
    async nonceUsed(contributor, nonce) {
      const { rowCount } = await pool.query('SELECT 1 FROM claims WHERE contributor = $1 AND nonce = $2', [
        contributor,
        nonce,
      ])
      return (rowCount ?? 0) > 0
    },

    record: (claim, receiptIds) =>
      transaction(pool, async (client) => {
        try {
          await client.query(
            `INSERT INTO claims (claim_id, contributor, address, nonce, epochs, receipts_root, credit, message,
              signature, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [
              claim.claimId,
              claim.contributor,
              claim.address,
              claim.nonce,
              claim.epochs.join(','),
              claim.receiptsRoot,
              claim.credit,
              claim.message,
              claim.signature,
              claim.recordedAt,
            ],
          )
        } catch (err) {
          if ((err as PgError).code === UNIQUE_VIOLATION)
            throw new ReplayedClaimError('this claim was already submitted')
          throw err
        }
        try {
          await client.query(
            'INSERT INTO claimed_receipts (receipt_id, claim_id) SELECT unnest($1::text[]), $2',
            [receiptIds, claim.claimId],
          )
        } catch (err) {
          if ((err as PgError).code === UNIQUE_VIOLATION) {
            throw new AlreadyClaimedError(`a receipt of this claim has already been claimed`)
          }
          throw err
        }
      }),

    async forAddress(address) {
      const { rows } = await pool.query(
        `SELECT claim_id AS "claimId", contributor, address, nonce, epochs, receipts_root AS "receiptsRoot",
          credit, recorded_at AS "recordedAt" FROM claims WHERE address = $1 ORDER BY recorded_at`,
        [address],
      )
      return rows.map((row) => ({
        ...row,
        epochs: (row.epochs as string).split(',').map(Number),
        receiptsRoot: new Uint8Array(row.receiptsRoot),
        recordedAt: num(row.recordedAt),
      }))
    },
  }
}
