/** Receipts and rejections in SQLite: a credit is one immediate transaction that also closes its shard. */
import type Database from 'better-sqlite3'
import type { SignedReceipt } from '../../../protocol/types.ts'
import {
  type ContributorTotals,
  DuplicateCreditError,
  type LedgerTotals,
  type ReceiptRow,
  type ReceiptStore,
} from '../types.ts'

export function sqliteReceipts(db: Database.Database): ReceiptStore {
  const insert = db.prepare(`INSERT INTO receipts
    (receipt_id, lease_id, shard_id, offer_id, contributor, epoch, kind, flops, credit, issued_at, body, signature)
    VALUES (@receiptId, @leaseId, @shardId, @offerId, @contributor, @epoch, @kind, @flops, @credit, @issuedAt, @bodyBytes, @signature)`)
  const closeShard = db.prepare('DELETE FROM open_shards WHERE shard_id = ?')
  const shardDone = db.prepare('SELECT 1 FROM receipts WHERE shard_id = ?').pluck()
  const insertRejection = db.prepare(`INSERT INTO rejections
    (lease_id, shard_id, contributor, epoch, reason, message, at)
    VALUES (@leaseId, @shardId, @contributor, @epoch, @reason, @message, @at)`)
  const forfeit = db.prepare(
    'UPDATE receipts SET forfeited = 1 WHERE contributor = ? AND epoch = ? AND forfeited = 0',
  )
  const totals = db.prepare(`SELECT COUNT(*) AS accepted,
    COALESCE(SUM(CASE WHEN forfeited = 0 THEN credit END), 0) AS credit,
    COALESCE(SUM(CASE WHEN forfeited = 0 THEN flops END), 0) AS flops,
    COUNT(DISTINCT contributor) AS contributors FROM receipts`)
  const rejectionCount = db.prepare('SELECT COUNT(*) FROM rejections').pluck()
  const byKind = db.prepare('SELECT kind AS key, COUNT(*) AS n FROM receipts GROUP BY kind')
  const byOffer = db.prepare(
    "SELECT offer_id AS key, COUNT(*) AS n FROM receipts WHERE offer_id != '' GROUP BY offer_id",
  )
  const ofContributor = db.prepare(`SELECT COUNT(*) AS accepted,
    COALESCE(SUM(CASE WHEN forfeited = 0 THEN credit END), 0) AS credit,
    COALESCE(SUM(CASE WHEN forfeited = 0 THEN flops END), 0) AS flops FROM receipts WHERE contributor = ?`)
  const rejectionsOf = db.prepare('SELECT COUNT(*) FROM rejections WHERE contributor = ?').pluck()
  const row = db.prepare(`SELECT r.receipt_id AS receiptId, r.contributor, r.epoch, r.credit,
    r.forfeited, c.claim_id AS claimId FROM receipts r LEFT JOIN claimed_receipts c USING (receipt_id)
    WHERE r.receipt_id = ?`)

  const credit = db.transaction((receipt: SignedReceipt) => {
    const { body } = receipt
    if (shardDone.get(body.shardId) != null) {
      throw new DuplicateCreditError(`shard ${body.shardId} has already been credited`)
    }
    try {
      insert.run({
        ...body,
        bodyBytes: Buffer.from(receipt.bodyBytes),
        signature: Buffer.from(receipt.signature),
      })
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new DuplicateCreditError(
          `lease ${body.leaseId} or receipt ${body.receiptId} has already been credited`,
        )
      }
      throw err
    }
    closeShard.run(body.shardId)
  })
  const counts = (rows: unknown[]) =>
    Object.fromEntries((rows as Array<{ key: string; n: number }>).map((r) => [r.key, r.n]))

  return {
    credit: async (receipt) => credit.immediate(receipt),
    reject: async (rejection) => {
      insertRejection.run(rejection)
    },
    forfeit: async (contributor, epoch) => forfeit.run(contributor, epoch).changes,
    isShardCredited: async (shardId) => shardDone.get(shardId) != null,
    totals: async (): Promise<LedgerTotals> => ({
      ...(totals.get() as Omit<LedgerTotals, 'rejected' | 'byKind' | 'byOffer'>),
      rejected: rejectionCount.get() as number,
      byKind: counts(byKind.all()),
      byOffer: counts(byOffer.all()),
    }),
    contributor: async (peerId): Promise<ContributorTotals> => ({
      contributor: peerId,
      ...(ofContributor.get(peerId) as Omit<ContributorTotals, 'contributor' | 'rejected'>),
      rejected: rejectionsOf.get(peerId) as number,
    }),
    rejectionsInEpoch: async (contributor, epoch, reasons) => {
      if (reasons.length === 0) return 0
      const marks = reasons.map(() => '?').join(', ')
      return db
        .prepare(
          `SELECT COUNT(*) FROM rejections WHERE contributor = ? AND epoch = ? AND reason IN (${marks})`,
        )
        .pluck()
        .get(contributor, epoch, ...reasons) as number
    },
    byIds: async (ids) =>
      ids.flatMap((id) => {
        const r = row.get(id) as (Omit<ReceiptRow, 'forfeited'> & { forfeited: number }) | undefined
        return r == null ? [] : [{ ...r, forfeited: r.forfeited !== 0 }]
      }),
  }
}
