/**
 * The embedded ledger: one SQLite file in WAL mode with synchronous=FULL, so once a write returns it
 * is on disk: a crash loses no receipt and never credits one twice (lease and shard ids are UNIQUE).
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Ledger, MetaStore } from '../types.ts'
import { sqliteClaims } from './claims.ts'
import { sqliteJobs } from './jobs.ts'
import { sqliteReceipts } from './receipts.ts'
import { migrate } from './schema.ts'
import { sqliteSettlements } from './settlements.ts'
import { sqliteShards } from './shards.ts'

export function openSqliteLedger(path: string): Ledger {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    migrate(db)
  } catch (err) {
    db.close()
    throw err
  }
  const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck()
  const setMeta = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  )
  const addMeta = db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)')
  // One process per file: its values and the pool's are the same table.
  const meta: MetaStore = {
    get: async (key) => getMeta.get(key) as string | undefined,
    set: async (key, value) => {
      setMeta.run(key, value)
    },
    setIfAbsent: async (key, value) => {
      addMeta.run(key, value)
      return getMeta.get(key) as string
    },
  }
  return {
    receipts: sqliteReceipts(db),
    claims: sqliteClaims(db),
    settlements: sqliteSettlements(db),
    shards: sqliteShards(db),
    jobs: sqliteJobs(db),
    meta,
    pool: meta,
    close: async () => {
      db.close()
    },
  }
}
