/** Shards cut and not yet credited, with their leases, in SQLite; crediting one deletes its row. */
import type Database from 'better-sqlite3'
import { type OpenShardColumns, type OpenShardRow, openShardRow, type ShardStore } from '../types.ts'

export function sqliteShards(db: Database.Database): ShardStore {
  const insert =
    db.prepare(`INSERT OR REPLACE INTO open_shards (shard_id, offer_id, kind, cut_at, lease_id, peer, expires_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`)
  const setCursor = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  )
  const setLease = db.prepare(
    'UPDATE open_shards SET lease_id = ?, peer = ?, expires_at = ? WHERE shard_id = ?',
  )
  const all =
    db.prepare(`SELECT shard_id AS shardId, offer_id AS offerId, kind, cut_at AS cutAt, lease_id AS leaseId,
    peer, expires_at AS expiresAt FROM open_shards ORDER BY cut_at`)

  const cut = db.transaction((s: OpenShardRow, cursor?: { key: string; value: string }) => {
    insert.run(
      s.shardId,
      s.offerId,
      s.kind,
      s.cutAt,
      s.lease?.leaseId ?? null,
      s.lease?.peer ?? null,
      s.lease?.expiresAt ?? null,
    )
    if (cursor != null) setCursor.run(cursor.key, cursor.value)
  })

  return {
    cut: async (shard, cursor) => cut.immediate(shard, cursor),
    lease: async (shardId, lease) => {
      setLease.run(lease?.leaseId ?? null, lease?.peer ?? null, lease?.expiresAt ?? null, shardId)
    },
    open: async () => (all.all() as OpenShardColumns[]).map(openShardRow),
  }
}
