/**
 * Receipts and rejections in PostgreSQL. Totals, allowances and strikes count the whole pool's rows;
 * a shard id is this process's (two subnets may cut shards of the same name), and so are the
 * receipts a claim may name: a validator only binds receipts it issued.
 */
import type { Pool } from 'pg'
import type { SignedReceipt } from '../../../protocol/types.ts'
import {
  type ContributorTotals,
  DuplicateCreditError,
  type LedgerTotals,
  type ReceiptRow,
  type ReceiptStore,
} from '../types.ts'
import { num, type PgError, transaction, UNIQUE_VIOLATION } from './tx.ts'

const counts = (rows: Array<{ key: string; n: string }>) =>
  Object.fromEntries(rows.map((r) => [r.key, num(r.n)]))

export function pgReceipts(pool: Pool, validator: string): ReceiptStore {
  return {
    credit: (receipt) => credit(pool, validator, receipt),

    async reject(r) {
      await pool.query(
        `INSERT INTO rejections (validator, lease_id, shard_id, contributor, epoch, reason, message, at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [validator, r.leaseId, r.shardId, r.contributor, r.epoch, r.reason, r.message, r.at],
      )
    },

    async forfeit(contributor, epoch) {
      const { rowCount } = await pool.query(
        'UPDATE receipts SET forfeited = TRUE WHERE contributor = $1 AND epoch = $2 AND NOT forfeited',
        [contributor, epoch],
      )
      return rowCount ?? 0
    },

    async isShardCredited(shardId) {
      const { rowCount } = await pool.query('SELECT 1 FROM receipts WHERE validator = $1 AND shard_id = $2', [
        validator,
        shardId,
      ])
      return (rowCount ?? 0) > 0
    },

    totals: () => totals(pool),

    async contributor(peerId): Promise<ContributorTotals> {
      const [t, rejected] = await Promise.all([
        pool.query(
          `SELECT COUNT(*) AS accepted, COALESCE(SUM(credit) FILTER (WHERE NOT forfeited), 0) AS credit,
            COALESCE(SUM(flops) FILTER (WHERE NOT forfeited), 0) AS flops FROM receipts WHERE contributor = $1`,
          [peerId],
        ),
        pool.query('SELECT COUNT(*) AS n FROM rejections WHERE contributor = $1', [peerId]),
      ])
      const row = t.rows[0]
      return {
        contributor: peerId,
        accepted: num(row.accepted),
        credit: num(row.credit),
        flops: num(row.flops),
        rejected: num(rejected.rows[0].n),
      } as ContributorTotals
    },

    async rejectionsInEpoch(contributor, epoch, reasons) {
      if (reasons.length === 0) return 0
      const { rows } = await pool.query(
        'SELECT COUNT(*) AS n FROM rejections WHERE contributor = $1 AND epoch = $2 AND reason = ANY($3)',
        [contributor, epoch, reasons],
      )
      return num(rows[0].n)
    },

    async byIds(ids): Promise<ReceiptRow[]> {
      const { rows } = await pool.query(
        `SELECT r.receipt_id AS "receiptId", r.contributor, r.epoch, r.credit, r.forfeited, c.claim_id AS "claimId"
          FROM receipts r LEFT JOIN claimed_receipts c USING (receipt_id)
          WHERE r.validator = $1 AND r.receipt_id = ANY($2)`,
        [validator, ids],
      )
      const found = new Map(rows.map((r) => [r.receiptId as string, r as ReceiptRow]))
      return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []))
    },
  }
}

/** A receipt's row, and its shard no longer open, in one transaction; a second credit is refused. */
function credit(pool: Pool, validator: string, receipt: SignedReceipt) {
  return transaction(pool, async (client) => {
    const { body } = receipt
    try {
      await client.query(
        `INSERT INTO receipts (receipt_id, validator, lease_id, shard_id, offer_id, contributor, epoch, kind,
          flops, credit, issued_at, body, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          body.receiptId,
          validator,
          body.leaseId,
          body.shardId,
          body.offerId,
          body.contributor,
          body.epoch,
          body.kind,
          body.flops,
          body.credit,
          body.issuedAt,
          receipt.bodyBytes,
          receipt.signature,
        ],
      )
    } catch (err) {
      if ((err as PgError).code === UNIQUE_VIOLATION) {
        throw new DuplicateCreditError(
          `shard ${body.shardId} or lease ${body.leaseId} has already been credited`,
        )
      }
      throw err
    }
    await client.query('DELETE FROM open_shards WHERE validator = $1 AND shard_id = $2', [
      validator,
      body.shardId,
    ])
  })
}

async function totals(pool: Pool): Promise<LedgerTotals> {
  const [t, rejected, byKind, byOffer] = await Promise.all([
    pool.query(`SELECT COUNT(*) AS accepted, COALESCE(SUM(credit) FILTER (WHERE NOT forfeited), 0) AS credit,
      COALESCE(SUM(flops) FILTER (WHERE NOT forfeited), 0) AS flops,
      COUNT(DISTINCT contributor) AS contributors FROM receipts`),
    pool.query('SELECT COUNT(*) AS n FROM rejections'),
    pool.query('SELECT kind AS key, COUNT(*) AS n FROM receipts GROUP BY kind'),
    pool.query("SELECT offer_id AS key, COUNT(*) AS n FROM receipts WHERE offer_id != '' GROUP BY offer_id"),
  ])
  const row = t.rows[0]
  return {
    accepted: num(row.accepted),
    credit: num(row.credit),
    flops: num(row.flops),
    contributors: num(row.contributors),
    rejected: num(rejected.rows[0].n),
    byKind: counts(byKind.rows),
    byOffer: counts(byOffer.rows),
  }
}
