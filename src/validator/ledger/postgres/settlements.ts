/**
 * Settlements and payouts in PostgreSQL, for the whole pool: an epoch is settled once (its primary
 * key decides between two processes), from every process's receipts and claims. Settling and paying
 * on chain run under a session advisory lock, so only one process of the pool does them at a time
 * and an epoch is never paid by two.
 */
import type { Pool } from 'pg'
import { AlreadySettledError, type PayoutRow, type Settlement, type SettlementStore } from '../types.ts'
import { LOCKS } from './schema.ts'
import { num, type PgError, transaction, UNIQUE_VIOLATION } from './tx.ts'

const toPayout = (row: { epoch: number; address: string; credit: number; amount: string }): PayoutRow => ({
  epoch: row.epoch,
  address: row.address,
  credit: row.credit,
  amount: BigInt(row.amount),
})

export function pgSettlements(pool: Pool): SettlementStore {
  return {
    exclusively: (fn) => exclusively(pool, fn),
    forfeitTainted: (epoch, reason) => forfeitTainted(pool, epoch, reason),
    record: (settlement) => record(pool, settlement),
    get: (epoch) => settlementOf(pool, epoch),
    async unsettledEpochs(before) {
      const { rows } = await pool.query(
        `SELECT DISTINCT epoch FROM receipts WHERE epoch < $1
          AND epoch NOT IN (SELECT epoch FROM settlements) ORDER BY epoch`,
        [before],
      )
      return rows.map((r) => r.epoch as number)
    },

    async isSettled(epoch) {
      const { rowCount } = await pool.query('SELECT 1 FROM settlements WHERE epoch = $1', [epoch])
      return (rowCount ?? 0) > 0
    },

    async epochCredit(epoch) {
      const [byAddress, total] = await Promise.all([
        claimedCredit(pool, 'epoch', epoch),
        pool.query(
          'SELECT COALESCE(SUM(credit), 0) AS total FROM receipts WHERE epoch = $1 AND NOT forfeited',
          [epoch],
        ),
      ])
      return { byAddress, total: num(total.rows[0].total) }
    },

    async offerCredit(offerId) {
      const [byAddress, total] = await Promise.all([
        claimedCredit(pool, 'offer_id', offerId),
        pool.query(
          `SELECT COALESCE(SUM(credit) FILTER (WHERE NOT forfeited), 0) AS total, MAX(epoch) AS last
            FROM receipts WHERE offer_id = $1`,
          [offerId],
        ),
      ])
      const last = total.rows[0].last
      return { byAddress, total: num(total.rows[0].total), lastEpoch: last == null ? null : num(last) }
    },

    async payoutsFor(address) {
      const { rows } = await pool.query('SELECT * FROM payouts WHERE address = $1 ORDER BY epoch', [address])
      return rows.map(toPayout)
    },

    async unpaidOnChain() {
      const { rows } = await pool.query(
        'SELECT epoch FROM settlements WHERE chain_paid_at IS NULL ORDER BY epoch',
      )
      return rows.map((r) => r.epoch as number)
    },

    async markPaidOnChain(epoch, at, result) {
      await pool.query('UPDATE settlements SET chain_paid_at = $1, chain_result = $2 WHERE epoch = $3', [
        at,
        result,
        epoch,
      ])
    },
  }
}

/** Runs `fn` holding the pool's settle lock; undefined, without running it, while another process holds it. */
async function exclusively<T>(pool: Pool, fn: () => Promise<T>): Promise<T | undefined> {
  const client = await pool.connect()
  try {
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS locked', [LOCKS.settle])
    if (!rows[0].locked) return undefined
    try {
      return await fn()
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCKS.settle])
    }
  } finally {
    client.release()
  }
}

/** Every address a caught id claimed to forfeits the epoch, across all its ids (store contract). */
function forfeitTainted(pool: Pool, epoch: number, reason: string) {
  return transaction(pool, async (client) => {
    const caught = `SELECT contributor FROM rejections WHERE epoch = $1 AND reason = $2
      UNION SELECT contributor FROM receipts WHERE epoch = $1 AND forfeited`
    const tainted = await client.query(
      `SELECT DISTINCT c.address FROM claims c JOIN claimed_receipts cr USING (claim_id)
        JOIN receipts r USING (receipt_id) WHERE r.epoch = $1 AND r.contributor IN (${caught})
        ORDER BY c.address`,
      [epoch, reason],
    )
    const addresses = tainted.rows.map((r) => r.address as string)
    const voided = await client.query(
      `UPDATE receipts SET forfeited = TRUE WHERE epoch = $1 AND NOT forfeited
        AND (contributor IN (${caught}) OR receipt_id IN (SELECT cr.receipt_id
          FROM claimed_receipts cr JOIN claims c USING (claim_id) WHERE c.address = ANY($3)))`,
      [epoch, reason, addresses],
    )
    return { addresses, receipts: voided.rowCount ?? 0 }
  })
}

/** Claimed, unforfeited credit per payout address, of the receipts of one epoch or one offer. */
async function claimedCredit(pool: Pool, column: 'epoch' | 'offer_id', value: number | string) {
  const { rows } = await pool.query(
    `SELECT c.address, SUM(r.credit) AS credit FROM receipts r
      JOIN claimed_receipts cr USING (receipt_id) JOIN claims c USING (claim_id)
      WHERE r.${column} = $1 AND NOT r.forfeited GROUP BY c.address ORDER BY c.address`,
    [value],
  )
  return rows.map((r) => ({ address: r.address as string, credit: num(r.credit) }))
}

function record(pool: Pool, s: Settlement) {
  return transaction(pool, async (client) => {
    try {
      await client.query(
        `INSERT INTO settlements (epoch, pool, total_credit, paid, payout_root, settled_at)
          VALUES ($1, $2, $3, $4, $5, $6)`,
        [s.epoch, String(s.pool), s.totalCredit, String(s.paid), s.payoutRoot, s.settledAt],
      )
    } catch (err) {
      if ((err as PgError).code === UNIQUE_VIOLATION)
        throw new AlreadySettledError(`epoch ${s.epoch} is already settled`)
      throw err
    }
    for (const p of s.payouts) {
      await client.query('INSERT INTO payouts (epoch, address, credit, amount) VALUES ($1, $2, $3, $4)', [
        p.epoch,
        p.address,
        p.credit,
        String(p.amount),
      ])
    }
    for (const job of s.jobs ?? []) {
      await client.query('UPDATE jobs SET rewarded_epoch = $1 WHERE job_id = $2 AND rewarded_epoch IS NULL', [
        s.epoch,
        job.jobId,
      ])
    }
  })
}

async function settlementOf(pool: Pool, epoch: number): Promise<Settlement | undefined> {
  const { rows } = await pool.query('SELECT * FROM settlements WHERE epoch = $1', [epoch])
  if (rows.length === 0) return undefined
  const row = rows[0]
  const payouts = await pool.query('SELECT * FROM payouts WHERE epoch = $1 ORDER BY address', [epoch])
  return {
    epoch: row.epoch,
    pool: BigInt(row.pool),
    totalCredit: row.total_credit,
    paid: BigInt(row.paid),
    payoutRoot: row.payout_root == null ? null : new Uint8Array(row.payout_root),
    settledAt: num(row.settled_at),
    chainPaidAt: row.chain_paid_at == null ? null : num(row.chain_paid_at),
    chainResult: row.chain_result,
    payouts: payouts.rows.map(toPayout),
  }
}
