/**
 * The shared ledger: PostgreSQL, for a pool whose validator runs as several processes (one per
 * subnet or region). Receipts, claims and settlements are the pool's; open shards and cursors are
 * each process's own, scoped by its peer id. Every write that must not happen twice rests on a
 * unique key or a transaction, so processes crediting, claiming and settling at once lose nothing
 * and pay nothing twice.
 */
import pg from 'pg'
import type { Ledger, MetaStore } from '../types.ts'
import { pgClaims } from './claims.ts'
import { pgJobs } from './jobs.ts'
import { pgReceipts } from './receipts.ts'
import { migrate } from './schema.ts'
import { pgSettlements } from './settlements.ts'
import { pgShards } from './shards.ts'

/** Meta values of one scope: a process's (its peer id) or the pool's (''). */
function pgMeta(pool: pg.Pool, scope: string): MetaStore {
  return {
    async get(key) {
      const { rows } = await pool.query('SELECT value FROM meta WHERE scope = $1 AND key = $2', [scope, key])
      return rows[0]?.value
    },
    async set(key, value) {
      await pool.query(
        'INSERT INTO meta (scope, key, value) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value',
        [scope, key, value],
      )
    },
    async setIfAbsent(key, value) {
      await pool.query('INSERT INTO meta (scope, key, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        scope,
        key,
        value,
      ])
      return (await this.get(key))!
    },
  }
}

/** `url`: a postgres:// connection string; `validator`: this process's peer id. */
export async function openPostgresLedger(url: string, validator: string): Promise<Ledger> {
  const pool = new pg.Pool({ connectionString: url, max: 8 })
  // A dropped idle connection must not end the process; the next query opens a new one.
  pool.on('error', () => {})
  try {
    const client = await pool.connect()
    try {
      await migrate(client)
    } finally {
      client.release()
    }
  } catch (err) {
    await pool.end()
    throw err
  }
  return {
    receipts: pgReceipts(pool, validator),
    claims: pgClaims(pool),
    settlements: pgSettlements(pool),
    shards: pgShards(pool, validator),
    jobs: pgJobs(pool),
    meta: pgMeta(pool, validator),
    pool: pgMeta(pool, ''),
    close: () => pool.end(),
  }
}
