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

export interface Ledger {
  credit(receipt: SignedReceipt): void
  reject(rejection: RejectionRecord): void
  /** Voids a contributor's credit for an epoch (caught cheating); returns how many receipts it voided. */
  forfeit(contributor: string, epoch: number): number
  isOfferCompleted(offerId: string): boolean
  totals(): LedgerTotals
  contributor(peerId: string): ContributorTotals
  rejectionsInEpoch(contributor: string, epoch: number, reason: string): number
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
      const row = receiptTotals.get() as Omit<LedgerTotals, 'rejected'>
      return { ...row, rejected: rejectionCount.get() as number }
    },
    contributor: (peerId) => {
      const row = contributorReceipts.get(peerId) as { accepted: number; credit: number }
      return { contributor: peerId, ...row, rejected: contributorRejections.get(peerId) as number }
    },
    rejectionsInEpoch: (contributor, epoch, reason) => rejectionsBy.get(contributor, epoch, reason) as number,
    getMeta: (key) => getMetaStmt.get(key) as string | undefined,
    setMeta: (key, value) => {
      setMetaStmt.run(key, value)
    },
    close: () => db.close(),
  }
}
