/** This process's shards cut and not yet credited, with their leases; its cursors are its own meta. */
import type { Pool } from 'pg'
import { type OpenShardColumns, openShardRow, type ShardStore } from '../types.ts'
import { transaction } from './tx.ts'

export function pgShards(pool: Pool, validator: string): ShardStore {
  return {
    cut: (s, cursor) =>
      transaction(pool, async (client) => {
        await client.query(
          `INSERT INTO open_shards (validator, shard_id, offer_id, kind, cut_at, lease_id, peer, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (validator, shard_id) DO UPDATE SET
            offer_id = EXCLUDED.offer_id, kind = EXCLUDED.kind, cut_at = EXCLUDED.cut_at,
            lease_id = EXCLUDED.lease_id, peer = EXCLUDED.peer, expires_at = EXCLUDED.expires_at`,
          [
            validator,
            s.shardId,
            s.offerId,
            s.kind,
            s.cutAt,
            s.lease?.leaseId ?? null,
            s.lease?.peer ?? null,
            s.lease?.expiresAt ?? null,
          ],
        )
        if (cursor != null) {
          await client.query(
            `INSERT INTO meta (scope, key, value) VALUES ($1, $2, $3)
              ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value`,
            [validator, cursor.key, cursor.value],
          )
        }
      }),

    async lease(shardId, lease) {
      await pool.query(
        'UPDATE open_shards SET lease_id = $1, peer = $2, expires_at = $3 WHERE validator = $4 AND shard_id = $5',
        [lease?.leaseId ?? null, lease?.peer ?? null, lease?.expiresAt ?? null, validator, shardId],
      )
    },

    async open() {
      const { rows } = await pool.query<OpenShardColumns>(
        `SELECT shard_id AS "shardId", offer_id AS "offerId", kind, cut_at AS "cutAt", lease_id AS "leaseId",
          peer, expires_at AS "expiresAt" FROM open_shards WHERE validator = $1 ORDER BY cut_at`,
        [validator],
      )
      return rows.map(openShardRow)
    },
  }
}
