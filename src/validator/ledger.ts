/**
 * The credit ledger: every receipt the validator signed, every rejection, and the few counters that
 * must survive a restart. SQLite in WAL mode with synchronous=FULL: a credit is one transaction, and
 * once it returns the receipt is on disk, so a crash loses no receipt and never credits one twice
 * (lease and offer ids are UNIQUE).
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { SignedReceipt } from '../protocol/types.ts'

/** A claim names a receipt that another claim already took. */
export class AlreadyClaimedError extends Error {
  static override name = 'AlreadyClaimedError'
  override name = 'AlreadyClaimedError'
}

/** A second settlement of an epoch that was already settled. */
export class AlreadySettledError extends Error {
  static override name = 'AlreadySettledError'
  override name = 'AlreadySettledError'
}

/** A second receipt for a lease or offer that already earned one. */
export class DuplicateCreditError extends Error {
  static override name = 'DuplicateCreditError'
  override name = 'DuplicateCreditError'
}

export interface LedgerTotals {
  accepted: number
  rejected: number
  credit: number
  flops: number
  contributors: number
  /** Accepted shards by work kind, and infer shards by model (first 8 hex digits of its sha256). */
  byKind: Record<string, number>
  byModel: Record<string, number>
}

export interface ContributorTotals {
  contributor: string
  accepted: number
  rejected: number
  credit: number
}

export interface RejectionRecord {
  leaseId: string
  offerId: string
  contributor: string
  epoch: number
  reason: string
  message: string
  at: number
}

export interface ReceiptRow {
  receiptId: string
  contributor: string
  epoch: number
  credit: number
  forfeited: boolean
  claimId: string | null
}

export interface ClaimRecord {
  claimId: string
  contributor: string
  address: string
  nonce: string
  epochs: number[]
  receiptsRoot: Uint8Array
  credit: number
  message: Uint8Array
  signature: Uint8Array
  recordedAt: number
}

export interface PayoutRow {
  epoch: number
  address: string
  credit: number
  amount: bigint
}

export interface Settlement {
  epoch: number
  pool: bigint
  totalCredit: number
  paid: bigint
  payoutRoot: Uint8Array | null
  settledAt: number
  payouts: PayoutRow[]
}

export interface Ledger {
  credit(receipt: SignedReceipt): void
  reject(rejection: RejectionRecord): void
  /** Voids a contributor's credit for an epoch (caught cheating); returns how many receipts it voided. */
  forfeit(contributor: string, epoch: number): number
  isOfferCompleted(offerId: string): boolean
  totals(): LedgerTotals
  contributor(peerId: string): ContributorTotals
  rejectionsInEpoch(contributor: string, epoch: number, reason: string): number
  receipts(receiptIds: string[]): ReceiptRow[]
  nonceUsed(contributor: string, nonce: string): boolean
  /** Records a claim and marks its receipts claimed, in one transaction; throws AlreadyClaimedError. */
  recordClaim(claim: ClaimRecord, receiptIds: string[]): void
  claimsFor(address: string): Array<Omit<ClaimRecord, 'message' | 'signature'>>
  /** Epochs below `before` that hold receipts and are not settled yet. */
  unsettledEpochs(before: number): number[]
  isSettled(epoch: number): boolean
  /** Claimed, unforfeited credit per payout address, and all unforfeited credit, of one epoch. */
  epochCredit(epoch: number): { byAddress: Array<{ address: string; credit: number }>; total: number }
  /** Stores a settlement in one transaction; throws AlreadySettledError. */
  recordSettlement(settlement: Settlement): void
  settlement(epoch: number): Settlement | undefined
  payoutsFor(address: string): PayoutRow[]
  getMeta(key: string): string | undefined
  setMeta(key: string, value: string): void
  close(): void
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (
  receipt_id  TEXT PRIMARY KEY,
  lease_id    TEXT NOT NULL UNIQUE,
  offer_id    TEXT NOT NULL UNIQUE,
  contributor TEXT NOT NULL,
  epoch       INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  flops       INTEGER NOT NULL,
  credit      REAL NOT NULL,
  issued_at   INTEGER NOT NULL,
  forfeited   INTEGER NOT NULL DEFAULT 0,
  body        BLOB NOT NULL,
  signature   BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS receipts_by_contributor ON receipts (contributor, epoch);
CREATE TABLE IF NOT EXISTS rejections (
  id          INTEGER PRIMARY KEY,
  lease_id    TEXT NOT NULL,
  offer_id    TEXT NOT NULL,
  contributor TEXT NOT NULL,
  epoch       INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  message     TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rejections_by_contributor ON rejections (contributor, epoch, reason);
CREATE TABLE IF NOT EXISTS claims (
  claim_id      TEXT PRIMARY KEY,
  contributor   TEXT NOT NULL,
  address       TEXT NOT NULL,
  nonce         TEXT NOT NULL,
  epochs        TEXT NOT NULL,
  receipts_root BLOB NOT NULL,
  credit        REAL NOT NULL,
  message       BLOB NOT NULL,
  signature     BLOB NOT NULL,
  recorded_at   INTEGER NOT NULL,
  UNIQUE (contributor, nonce)
);
CREATE INDEX IF NOT EXISTS claims_by_address ON claims (address);
CREATE TABLE IF NOT EXISTS claimed_receipts (
  receipt_id TEXT PRIMARY KEY REFERENCES receipts (receipt_id),
  claim_id   TEXT NOT NULL REFERENCES claims (claim_id)
);
CREATE TABLE IF NOT EXISTS settlements (
  epoch        INTEGER PRIMARY KEY,
  pool         TEXT NOT NULL,
  total_credit REAL NOT NULL,
  paid         TEXT NOT NULL,
  payout_root  BLOB,
  settled_at   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS payouts (
  epoch   INTEGER NOT NULL REFERENCES settlements (epoch),
  address TEXT NOT NULL,
  credit  REAL NOT NULL,
  amount  TEXT NOT NULL,
  PRIMARY KEY (epoch, address)
);
`

export function openLedger(path: string): Ledger {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.exec(SCHEMA)

  const insertReceipt = db.prepare(`INSERT INTO receipts
    (receipt_id, lease_id, offer_id, contributor, epoch, kind, flops, credit, issued_at, body, signature)
    VALUES (@receiptId, @leaseId, @offerId, @contributor, @epoch, @kind, @flops, @credit, @issuedAt, @bodyBytes, @signature)`)
  const insertRejection = db.prepare(`INSERT INTO rejections
    (lease_id, offer_id, contributor, epoch, reason, message, at)
    VALUES (@leaseId, @offerId, @contributor, @epoch, @reason, @message, @at)`)
  const offerDone = db.prepare('SELECT 1 FROM receipts WHERE offer_id = ?').pluck()
  const forfeitStmt = db.prepare(
    'UPDATE receipts SET forfeited = 1 WHERE contributor = ? AND epoch = ? AND forfeited = 0',
  )
  const receiptTotals = db.prepare(`SELECT COUNT(*) AS accepted,
    COALESCE(SUM(CASE WHEN forfeited = 0 THEN credit END), 0) AS credit,
    COALESCE(SUM(CASE WHEN forfeited = 0 THEN flops END), 0) AS flops,
    COUNT(DISTINCT contributor) AS contributors FROM receipts`)
  const rejectionCount = db.prepare('SELECT COUNT(*) FROM rejections').pluck()
  const kindCounts = db.prepare('SELECT kind, COUNT(*) AS n FROM receipts GROUP BY kind')
  // infer offer ids are m<index>.<sha256 prefix>.<counter>
  const modelCounts = db.prepare(`SELECT substr(offer_id, instr(offer_id, '.') + 1, 8) AS model, COUNT(*) AS n
    FROM receipts WHERE kind = 'infer' GROUP BY model`)
  const contributorReceipts = db.prepare(`SELECT COUNT(*) AS accepted,
    COALESCE(SUM(CASE WHEN forfeited = 0 THEN credit END), 0) AS credit FROM receipts WHERE contributor = ?`)
  const contributorRejections = db.prepare('SELECT COUNT(*) FROM rejections WHERE contributor = ?').pluck()
  const rejectionsBy = db
    .prepare('SELECT COUNT(*) FROM rejections WHERE contributor = ? AND epoch = ? AND reason = ?')
    .pluck()
  const getMetaStmt = db.prepare('SELECT value FROM meta WHERE key = ?').pluck()
  const setMetaStmt = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  )

  const receiptRow = db.prepare(`SELECT r.receipt_id AS receiptId, r.contributor, r.epoch, r.credit,
    r.forfeited, c.claim_id AS claimId FROM receipts r LEFT JOIN claimed_receipts c USING (receipt_id)
    WHERE r.receipt_id = ?`)
  const nonceStmt = db.prepare('SELECT 1 FROM claims WHERE contributor = ? AND nonce = ?').pluck()
  const insertClaim = db.prepare(`INSERT INTO claims
    (claim_id, contributor, address, nonce, epochs, receipts_root, credit, message, signature, recorded_at)
    VALUES (@claimId, @contributor, @address, @nonce, @epochs, @receiptsRoot, @credit, @message, @signature, @recordedAt)`)
  const isClaimed = db.prepare('SELECT 1 FROM claimed_receipts WHERE receipt_id = ?').pluck()
  const insertClaimed = db.prepare('INSERT INTO claimed_receipts (receipt_id, claim_id) VALUES (?, ?)')
  const claimsByAddress = db.prepare(`SELECT claim_id AS claimId, contributor, address, nonce, epochs,
    receipts_root AS receiptsRoot, credit, recorded_at AS recordedAt FROM claims WHERE address = ? ORDER BY recorded_at`)
  const unsettled = db
    .prepare(`SELECT DISTINCT epoch FROM receipts WHERE epoch < ?
      AND epoch NOT IN (SELECT epoch FROM settlements) ORDER BY epoch`)
    .pluck()
  const settledStmt = db.prepare('SELECT 1 FROM settlements WHERE epoch = ?').pluck()
  const creditByAddress = db.prepare(`SELECT c.address, SUM(r.credit) AS credit FROM receipts r
    JOIN claimed_receipts cr USING (receipt_id) JOIN claims c USING (claim_id)
    WHERE r.epoch = ? AND r.forfeited = 0 GROUP BY c.address ORDER BY c.address`)
  const epochTotal = db
    .prepare('SELECT COALESCE(SUM(credit), 0) FROM receipts WHERE epoch = ? AND forfeited = 0')
    .pluck()
  const insertSettlement =
    db.prepare(`INSERT INTO settlements (epoch, pool, total_credit, paid, payout_root, settled_at)
    VALUES (?, ?, ?, ?, ?, ?)`)
  const insertPayout = db.prepare('INSERT INTO payouts (epoch, address, credit, amount) VALUES (?, ?, ?, ?)')
  const settlementRow =
    db.prepare(`SELECT epoch, pool, total_credit AS totalCredit, paid, payout_root AS payoutRoot,
    settled_at AS settledAt FROM settlements WHERE epoch = ?`)
  const payoutsOfEpoch = db.prepare(
    'SELECT epoch, address, credit, amount FROM payouts WHERE epoch = ? ORDER BY address',
  )
  const payoutsOfAddress = db.prepare(
    'SELECT epoch, address, credit, amount FROM payouts WHERE address = ? ORDER BY epoch',
  )
  const toPayout = (row: { epoch: number; address: string; credit: number; amount: string }): PayoutRow => ({
    ...row,
    amount: BigInt(row.amount),
  })

  const recordClaim = db.transaction((claim: ClaimRecord, receiptIds: string[]) => {
    for (const id of receiptIds) {
      if (isClaimed.get(id) != null) throw new AlreadyClaimedError(`receipt ${id} has already been claimed`)
    }
    insertClaim.run({
      ...claim,
      epochs: claim.epochs.join(','),
      receiptsRoot: Buffer.from(claim.receiptsRoot),
      message: Buffer.from(claim.message),
      signature: Buffer.from(claim.signature),
    })
    for (const id of receiptIds) insertClaimed.run(id, claim.claimId)
  })

  const recordSettlement = db.transaction((s: Settlement) => {
    if (settledStmt.get(s.epoch) != null) throw new AlreadySettledError(`epoch ${s.epoch} is already settled`)
    insertSettlement.run(
      s.epoch,
      String(s.pool),
      s.totalCredit,
      String(s.paid),
      s.payoutRoot == null ? null : Buffer.from(s.payoutRoot),
      s.settledAt,
    )
    for (const p of s.payouts) insertPayout.run(p.epoch, p.address, p.credit, String(p.amount))
  })

  const credit = db.transaction((receipt: SignedReceipt) => {
    const { body } = receipt
    if (offerDone.get(body.offerId) != null) {
      throw new DuplicateCreditError(`offer ${body.offerId} has already been credited`)
    }
    try {
      insertReceipt.run({
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
  })

  return {
    credit: (receipt) => credit.immediate(receipt),
    reject: (rejection) => {
      insertRejection.run(rejection)
    },
    forfeit: (contributor, epoch) => forfeitStmt.run(contributor, epoch).changes,
    isOfferCompleted: (offerId) => offerDone.get(offerId) != null,
    totals: () => {
      const row = receiptTotals.get() as Omit<LedgerTotals, 'rejected' | 'byKind' | 'byModel'>
      const counts = (rows: unknown[]) =>
        Object.fromEntries(
          (rows as Array<{ n: number } & Record<string, string>>).map((r) => [r.kind ?? r.model, r.n]),
        )
      return {
        ...row,
        rejected: rejectionCount.get() as number,
        byKind: counts(kindCounts.all()),
        byModel: counts(modelCounts.all()),
      }
    },
    contributor: (peerId) => {
      const row = contributorReceipts.get(peerId) as { accepted: number; credit: number }
      return { contributor: peerId, ...row, rejected: contributorRejections.get(peerId) as number }
    },
    rejectionsInEpoch: (contributor, epoch, reason) => rejectionsBy.get(contributor, epoch, reason) as number,
    receipts: (ids) =>
      ids.flatMap((id) => {
        const row = receiptRow.get(id) as (Omit<ReceiptRow, 'forfeited'> & { forfeited: number }) | undefined
        return row == null ? [] : [{ ...row, forfeited: row.forfeited !== 0 }]
      }),
    nonceUsed: (contributor, nonce) => nonceStmt.get(contributor, nonce) != null,
    recordClaim: (claim, receiptIds) => recordClaim.immediate(claim, receiptIds),
    claimsFor: (address) =>
      (
        claimsByAddress.all(address) as Array<
          Omit<ClaimRecord, 'epochs' | 'message' | 'signature'> & { epochs: string }
        >
      ).map((row) => ({
        ...row,
        epochs: row.epochs.split(',').map(Number),
        receiptsRoot: new Uint8Array(row.receiptsRoot),
      })),
    unsettledEpochs: (before) => unsettled.all(before) as number[],
    isSettled: (epoch) => settledStmt.get(epoch) != null,
    epochCredit: (epoch) => ({
      byAddress: creditByAddress.all(epoch) as Array<{ address: string; credit: number }>,
      total: epochTotal.get(epoch) as number,
    }),
    recordSettlement: (s) => recordSettlement.immediate(s),
    settlement: (epoch) => {
      const row = settlementRow.get(epoch) as
        | {
            epoch: number
            pool: string
            totalCredit: number
            paid: string
            payoutRoot: Buffer | null
            settledAt: number
          }
        | undefined
      if (row == null) return undefined
      return {
        ...row,
        pool: BigInt(row.pool),
        paid: BigInt(row.paid),
        payoutRoot: row.payoutRoot == null ? null : new Uint8Array(row.payoutRoot),
        payouts: (payoutsOfEpoch.all(epoch) as Parameters<typeof toPayout>[0][]).map(toPayout),
      }
    },
    payoutsFor: (address) =>
      (payoutsOfAddress.all(address) as Parameters<typeof toPayout>[0][]).map(toPayout),
    getMeta: (key) => getMetaStmt.get(key) as string | undefined,
    setMeta: (key, value) => {
      setMetaStmt.run(key, value)
    },
    close: () => db.close(),
  }
}
