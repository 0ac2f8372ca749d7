/** Settlements and payouts in SQLite: an epoch's settlement and all its payouts are one transaction. */
import type Database from 'better-sqlite3'
import { AlreadySettledError, type PayoutRow, type Settlement, type SettlementStore } from '../types.ts'

interface SettlementRow {
  epoch: number
  pool: string
  totalCredit: number
  paid: string
  payoutRoot: Buffer | null
  settledAt: number
  chainPaidAt: number | null
  chainResult: string | null
}

export function sqliteSettlements(db: Database.Database): SettlementStore {
  const unsettled = db
    .prepare(`SELECT DISTINCT epoch FROM receipts WHERE epoch < ?
      AND epoch NOT IN (SELECT epoch FROM settlements) ORDER BY epoch`)
    .pluck()
  const settled = db.prepare('SELECT 1 FROM settlements WHERE epoch = ?').pluck()
  /** Claimed, unforfeited credit per payout address, of the receipts of one epoch or one offer. */
  const claimedBy = (column: 'epoch' | 'offer_id') =>
    db.prepare(`SELECT c.address, SUM(r.credit) AS credit FROM receipts r
      JOIN claimed_receipts cr USING (receipt_id) JOIN claims c USING (claim_id)
      WHERE r.${column} = ? AND r.forfeited = 0 GROUP BY c.address ORDER BY c.address`)
  const creditByAddress = claimedBy('epoch')
  const epochTotal = db
    .prepare('SELECT COALESCE(SUM(credit), 0) FROM receipts WHERE epoch = ? AND forfeited = 0')
    .pluck()
  const insert =
    db.prepare(`INSERT INTO settlements (epoch, pool, total_credit, paid, payout_root, settled_at)
    VALUES (?, ?, ?, ?, ?, ?)`)
  const insertPayout = db.prepare('INSERT INTO payouts (epoch, address, credit, amount) VALUES (?, ?, ?, ?)')
  const byEpoch =
    db.prepare(`SELECT epoch, pool, total_credit AS totalCredit, paid, payout_root AS payoutRoot,
    settled_at AS settledAt, chain_paid_at AS chainPaidAt, chain_result AS chainResult FROM settlements WHERE epoch = ?`)
  const payoutsOfEpoch = db.prepare(
    'SELECT epoch, address, credit, amount FROM payouts WHERE epoch = ? ORDER BY address',
  )
  const payoutsOfAddress = db.prepare(
    'SELECT epoch, address, credit, amount FROM payouts WHERE address = ? ORDER BY epoch',
  )
  const unpaid = db
    .prepare('SELECT epoch FROM settlements WHERE chain_paid_at IS NULL ORDER BY epoch')
    .pluck()
  const markPaid = db.prepare('UPDATE settlements SET chain_paid_at = ?, chain_result = ? WHERE epoch = ?')
  const caught = `SELECT contributor FROM rejections WHERE epoch = @epoch AND reason = @reason
    UNION SELECT contributor FROM receipts WHERE epoch = @epoch AND forfeited = 1`
  const taintedAddresses = db
    .prepare(`SELECT DISTINCT c.address FROM claims c JOIN claimed_receipts cr USING (claim_id)
      JOIN receipts r USING (receipt_id) WHERE r.epoch = @epoch AND r.contributor IN (${caught})
      ORDER BY c.address`)
    .pluck()
  const voidCaught = db.prepare(`UPDATE receipts SET forfeited = 1
    WHERE epoch = @epoch AND forfeited = 0 AND contributor IN (${caught})`)
  const voidAddress = db.prepare(`UPDATE receipts SET forfeited = 1 WHERE epoch = @epoch AND forfeited = 0
    AND receipt_id IN (SELECT cr.receipt_id FROM claimed_receipts cr JOIN claims c USING (claim_id)
      WHERE c.address = @address)`)
  const forfeitTainted = db.transaction((epoch: number, reason: string) => {
    const addresses = taintedAddresses.all({ epoch, reason }) as string[]
    let receipts = voidCaught.run({ epoch, reason }).changes
    for (const address of addresses) receipts += voidAddress.run({ epoch, address }).changes
    return { addresses, receipts }
  })
  const offerByAddress = claimedBy('offer_id')
  const offerTotal = db.prepare(`SELECT COALESCE(SUM(CASE WHEN forfeited = 0 THEN credit END), 0) AS total,
    MAX(epoch) AS lastEpoch FROM receipts WHERE offer_id = ?`)
  const markRewarded = db.prepare(
    'UPDATE jobs SET rewarded_epoch = ? WHERE job_id = ? AND rewarded_epoch IS NULL',
  )
  const toPayout = (row: { epoch: number; address: string; credit: number; amount: string }): PayoutRow => ({
    ...row,
    amount: BigInt(row.amount),
  })

  const record = db.transaction((s: Settlement) => {
    if (settled.get(s.epoch) != null) throw new AlreadySettledError(`epoch ${s.epoch} is already settled`)
    insert.run(
      s.epoch,
      String(s.pool),
      s.totalCredit,
      String(s.paid),
      s.payoutRoot == null ? null : Buffer.from(s.payoutRoot),
      s.settledAt,
    )
    for (const p of s.payouts) insertPayout.run(p.epoch, p.address, p.credit, String(p.amount))
    for (const job of s.jobs ?? []) markRewarded.run(s.epoch, job.jobId)
  })

  return {
    exclusively: (fn) => fn(),
    unsettledEpochs: async (before) => unsettled.all(before) as number[],
    isSettled: async (epoch) => settled.get(epoch) != null,
    forfeitTainted: async (epoch, reason) => forfeitTainted.immediate(epoch, reason),
    epochCredit: async (epoch) => ({
      byAddress: creditByAddress.all(epoch) as Array<{ address: string; credit: number }>,
      total: epochTotal.get(epoch) as number,
    }),
    async offerCredit(offerId) {
      const { total, lastEpoch } = offerTotal.get(offerId) as { total: number; lastEpoch: number | null }
      return {
        byAddress: offerByAddress.all(offerId) as Array<{ address: string; credit: number }>,
        total,
        lastEpoch,
      }
    },
    record: async (s) => record.immediate(s),
    get: async (epoch) => {
      const row = byEpoch.get(epoch) as SettlementRow | undefined
      if (row == null) return undefined
      return {
        ...row,
        pool: BigInt(row.pool),
        paid: BigInt(row.paid),
        payoutRoot: row.payoutRoot == null ? null : new Uint8Array(row.payoutRoot),
        payouts: (payoutsOfEpoch.all(epoch) as Parameters<typeof toPayout>[0][]).map(toPayout),
      }
    },
    payoutsFor: async (address) =>
      (payoutsOfAddress.all(address) as Parameters<typeof toPayout>[0][]).map(toPayout),
    unpaidOnChain: async () => unpaid.all() as number[],
    markPaidOnChain: async (epoch, at, result) => {
      markPaid.run(at, result, epoch)
    },
  }
}
