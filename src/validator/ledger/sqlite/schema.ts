/**
 * The ledger's schema, as the list of steps that build it. SQLite's `user_version` says how many
 * steps a ledger file has had; opening a ledger runs the missing ones in one transaction each, so a
 * ledger written by an older Tessera is upgraded in place and nothing in it is lost. Ledgers made
 * before versioning have user_version 0 and step 1's tables: its CREATE ... IF NOT EXISTS is a no-op
 * for them.
 */
import type Database from 'better-sqlite3'

export const MIGRATIONS: readonly string[] = [
  // 1: receipts, rejections, claims, settlements (protocol version 1).
  `
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
  `,
  // 2: protocol version 2. A receipt pays for a shard (what version 1 called its offer) cut from an
  // offer; shards cut and not yet credited are kept, with their lease, so a restart loses none; an
  // epoch's on-chain payment is recorded apart from its settlement, so a failed one is retried.
  `
  ALTER TABLE receipts RENAME COLUMN offer_id TO shard_id;
  ALTER TABLE receipts ADD COLUMN offer_id TEXT NOT NULL DEFAULT '';
  ALTER TABLE rejections RENAME COLUMN offer_id TO shard_id;
  CREATE TABLE open_shards (
    shard_id   TEXT PRIMARY KEY,
    offer_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    cut_at     INTEGER NOT NULL,
    lease_id   TEXT,
    peer       TEXT,
    expires_at INTEGER
  );
  ALTER TABLE settlements ADD COLUMN chain_paid_at INTEGER;
  ALTER TABLE settlements ADD COLUMN chain_result TEXT;
  `,
  // 3: requesters' jobs (docs/JOBS.md): each job's records, and each record's verified output.
  `
  CREATE TABLE jobs (
    job_id     TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    task       TEXT NOT NULL,
    model      TEXT NOT NULL,
    params     TEXT NOT NULL,
    state      TEXT NOT NULL,
    priority   INTEGER NOT NULL,
    reward     TEXT NOT NULL,
    items      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    cost       REAL NOT NULL DEFAULT 0
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
    contributors TEXT NOT NULL,
    delivered_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, idx),
    FOREIGN KEY (job_id, idx) REFERENCES job_items (job_id, idx)
  );
  `,
  // 4: a job's reward is paid once, by the settlement of this epoch (docs/JOBS.md, "Reward").
  'ALTER TABLE jobs ADD COLUMN rewarded_epoch INTEGER;',
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Brings a ledger up to SCHEMA_VERSION; refuses one written by a newer Tessera. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION) {
    throw new Error(`ledger schema ${current} is newer than this validator's (${SCHEMA_VERSION})`)
  }
  for (let step = current; step < SCHEMA_VERSION; step++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[step])
      db.pragma(`user_version = ${step + 1}`)
    }).immediate()
  }
}
