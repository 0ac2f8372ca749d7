/**
 * The shared ledger's schema, as the list of steps that build it (the SQLite ledger's, one step,
 * with each row that belongs to one validator process marked with its peer id). A pool's processes
 * migrate under an advisory lock, so two starting at once do not both run a step.
 */
import type { PoolClient } from 'pg'

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (scope, key));
  CREATE TABLE receipts (
    receipt_id  TEXT PRIMARY KEY,
    validator   TEXT NOT NULL,
    lease_id    TEXT NOT NULL UNIQUE,
    shard_id    TEXT NOT NULL,
    offer_id    TEXT NOT NULL,
    contributor TEXT NOT NULL,
    epoch       INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    flops       BIGINT NOT NULL,
    credit      DOUBLE PRECISION NOT NULL,
    issued_at   BIGINT NOT NULL,
    forfeited   BOOLEAN NOT NULL DEFAULT FALSE,
    body        BYTEA NOT NULL,
    signature   BYTEA NOT NULL,
    UNIQUE (validator, shard_id)
  );
  CREATE INDEX receipts_by_contributor ON receipts (contributor, epoch);
  CREATE INDEX receipts_by_epoch ON receipts (epoch);
  CREATE TABLE rejections (
    id          BIGSERIAL PRIMARY KEY,
    validator   TEXT NOT NULL,
    lease_id    TEXT NOT NULL,
    shard_id    TEXT NOT NULL,
    contributor TEXT NOT NULL,
    epoch       INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    message     TEXT NOT NULL,
    at          BIGINT NOT NULL
  );
  CREATE INDEX rejections_by_contributor ON rejections (contributor, epoch, reason);
  CREATE TABLE claims (
    claim_id      TEXT PRIMARY KEY,
    contributor   TEXT NOT NULL,
    address       TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    epochs        TEXT NOT NULL,
    receipts_root BYTEA NOT NULL,
    credit        DOUBLE PRECISION NOT NULL,
    message       BYTEA NOT NULL,
    signature     BYTEA NOT NULL,
    recorded_at   BIGINT NOT NULL,
    CONSTRAINT claims_nonce UNIQUE (contributor, nonce)
  );
  CREATE INDEX claims_by_address ON claims (address);
  CREATE TABLE claimed_receipts (
    receipt_id TEXT PRIMARY KEY REFERENCES receipts (receipt_id),
    claim_id   TEXT NOT NULL REFERENCES claims (claim_id)
  );
  CREATE TABLE settlements (
    epoch         INTEGER PRIMARY KEY,
    pool          TEXT NOT NULL,
    total_credit  DOUBLE PRECISION NOT NULL,
    paid          TEXT NOT NULL,
    payout_root   BYTEA,
    settled_at    BIGINT NOT NULL,
    chain_paid_at BIGINT,
    chain_result  TEXT
  );
  CREATE TABLE payouts (
    epoch   INTEGER NOT NULL REFERENCES settlements (epoch),
    address TEXT NOT NULL,
    credit  DOUBLE PRECISION NOT NULL,
    amount  TEXT NOT NULL,
    PRIMARY KEY (epoch, address)
  );
  CREATE TABLE open_shards (
    validator  TEXT NOT NULL,
    shard_id   TEXT NOT NULL,
    offer_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    cut_at     BIGINT NOT NULL,
    lease_id   TEXT,
    peer       TEXT,
    expires_at BIGINT,
    PRIMARY KEY (validator, shard_id)
  );
  `,
  // 2: requesters' jobs (docs/JOBS.md), the pool's like its receipts: any process may work on them.
  `
  CREATE TABLE jobs (
    job_id     TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    task       TEXT NOT NULL,
    model      TEXT NOT NULL,
    params     TEXT NOT NULL,
    state      TEXT NOT NULL,
    priority   INTEGER NOT NULL,
    reward     NUMERIC NOT NULL,
    items      INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    cost       DOUBLE PRECISION NOT NULL DEFAULT 0
  );
  CREATE INDEX jobs_by_owner ON jobs (owner, created_at);
  CREATE TABLE job_items (
    job_id    TEXT NOT NULL REFERENCES jobs (job_id),
    idx       INTEGER NOT NULL,
    custom_id TEXT NOT NULL,
    input     TEXT NOT NULL,
    PRIMARY KEY (job_id, idx),
    UNIQUE (job_id, custom_id)
  );
  CREATE TABLE job_outputs (
    job_id       TEXT NOT NULL,
    idx          INTEGER NOT NULL,
    outcome      TEXT NOT NULL,
    body         TEXT NOT NULL,
    verified_by  TEXT,
    contributors TEXT[] NOT NULL,
    delivered_at BIGINT NOT NULL,
    PRIMARY KEY (job_id, idx),
    FOREIGN KEY (job_id, idx) REFERENCES job_items (job_id, idx)
  );
  `,
  // 3: a job's reward is paid once, by the settlement of this epoch (docs/JOBS.md, "Reward").
  'ALTER TABLE jobs ADD COLUMN rewarded_epoch INTEGER;',
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Advisory lock keys: one for migrations, one for settling and paying (see settlements.ts). */
export const LOCKS = { migrate: 7_000_001, settle: 7_000_002 }

/** Brings the database up to SCHEMA_VERSION; refuses one written by a newer Tessera. */
export async function migrate(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [LOCKS.migrate])
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version')
    const current = rows[0]?.version ?? 0
    if (current > SCHEMA_VERSION) {
      throw new Error(`ledger schema ${current} is newer than this validator's (${SCHEMA_VERSION})`)
    }
    for (let step = current; step < SCHEMA_VERSION; step++) {
      await client.query('BEGIN')
      try {
        await client.query(MIGRATIONS[step])
        await client.query('DELETE FROM schema_version')
        await client.query('INSERT INTO schema_version (version) VALUES ($1)', [step + 1])
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK')
        throw err
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCKS.migrate])
  }
}
