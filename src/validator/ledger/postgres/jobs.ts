/**
 * Jobs in PostgreSQL, the pool's: a job row, its records, and each record's output, written once
 * (the primary key on job and index decides between two processes handing in the same item).
 */
import type { Pool } from 'pg'
import { jobOfRow, outputOfRow } from '../job-rows.ts'
import { DuplicateJobError, type JobOutput, type JobSpec, type JobStore, type NewJobItem } from '../types.ts'
import { num, type PgError, transaction, UNIQUE_VIOLATION } from './tx.ts'

/** Rows per INSERT when a job's records are stored (PostgreSQL takes at most 65,535 parameters). */
const ITEMS_PER_INSERT = 1000

export function pgJobs(pool: Pool): JobStore {
  return {
    async create(spec, items) {
      await create(pool, spec, items)
      return (await this.get(spec.jobId))!
    },
    async get(jobId) {
      const { rows } = await pool.query('SELECT * FROM jobs WHERE job_id = $1', [jobId])
      return rows.length === 0 ? undefined : jobOfRow(rows[0])
    },
    async list(owner, state) {
      const { rows } = await pool.query(
        `SELECT * FROM jobs WHERE ($1::text IS NULL OR owner = $1) AND ($2::text IS NULL OR state = $2)
          ORDER BY created_at DESC, job_id`,
        [owner ?? null, state ?? null],
      )
      return rows.map(jobOfRow)
    },
    async setState(jobId, state) {
      const { rowCount } = await pool.query(
        "UPDATE jobs SET state = $1 WHERE job_id = $2 AND state IN ('running', 'paused')",
        [state, jobId],
      )
      return (rowCount ?? 0) > 0
    },
    async pending(jobId, after, limit) {
      const { rows } = await pool.query(
        `SELECT i.idx, i.custom_id, i.input FROM job_items i
          WHERE i.job_id = $1 AND i.idx > $2
          AND NOT EXISTS (SELECT 1 FROM job_outputs o WHERE o.job_id = i.job_id AND o.idx = i.idx)
          ORDER BY i.idx LIMIT $3`,
        [jobId, after, limit],
      )
      return rows.map((r) => ({ index: r.idx, customId: r.custom_id, input: r.input }))
    },
    deliver: (jobId, o) => deliver(pool, jobId, o),
    async charge(jobId, flops) {
      await pool.query('UPDATE jobs SET cost = cost + $1 WHERE job_id = $2', [flops, jobId])
    },
    async outputs(jobId, after, limit) {
      const { rows } = await pool.query(
        `SELECT o.*, i.custom_id FROM job_outputs o JOIN job_items i USING (job_id, idx)
          WHERE o.job_id = $1 AND o.idx > $2 ORDER BY o.idx LIMIT $3`,
        [jobId, after, limit],
      )
      return rows.map(outputOfRow)
    },
    async progress(jobId) {
      const { rows } = await pool.query(
        `SELECT (SELECT items FROM jobs WHERE job_id = $1) AS items, COUNT(*) AS delivered,
          COUNT(*) FILTER (WHERE outcome = 'error') AS errors,
          MIN(delivered_at) FILTER (WHERE verified_by IS NOT NULL) AS first_at
          FROM job_outputs WHERE job_id = $1`,
        [jobId],
      )
      const r = rows[0]
      return {
        items: num(r.items),
        delivered: num(r.delivered),
        errors: num(r.errors),
        firstAt: r.first_at == null ? null : num(r.first_at),
      }
    },
    async withdraw(contributor) {
      const { rowCount } = await pool.query(
        `DELETE FROM job_outputs WHERE verified_by = 'adaptive' AND $1 = ANY (contributors)
          AND job_id IN (SELECT job_id FROM jobs WHERE state IN ('running', 'paused'))`,
        [contributor],
      )
      return rowCount ?? 0
    },
    async rewardsDue() {
      const { rows } = await pool.query(
        `SELECT * FROM jobs WHERE state = 'done' AND reward > 0 AND rewarded_epoch IS NULL
          ORDER BY created_at, job_id`,
      )
      return rows.map(jobOfRow)
    },
  }
}

/** A job and its records at once; records that could not be read get their error lines with them. */
async function create(pool: Pool, spec: JobSpec, items: NewJobItem[]): Promise<void> {
  try {
    await transaction(pool, async (client) => {
      await client.query(
        `INSERT INTO jobs (job_id, owner, task, model, params, state, priority, reward, items, created_at)
          VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $9)`,
        [
          spec.jobId,
          spec.owner,
          spec.task,
          spec.model,
          spec.params,
          spec.priority,
          String(spec.reward),
          items.length,
          spec.createdAt,
        ],
      )
      for (let from = 0; from < items.length; from += ITEMS_PER_INSERT) {
        const chunk = items.slice(from, from + ITEMS_PER_INSERT)
        const values = chunk.map((_, i) => `($1, $${3 * i + 2}, $${3 * i + 3}, $${3 * i + 4})`).join(', ')
        await client.query(`INSERT INTO job_items (job_id, idx, custom_id, input) VALUES ${values}`, [
          spec.jobId,
          ...chunk.flatMap((item, i) => [from + i, item.customId, item.input]),
        ])
      }
      for (const [i, item] of items.entries()) {
        if (item.error == null) continue
        await client.query(
          `INSERT INTO job_outputs (job_id, idx, outcome, body, verified_by, contributors, delivered_at)
            VALUES ($1, $2, 'error', $3, NULL, '{}', $4)`,
          [spec.jobId, i, JSON.stringify(item.error), spec.createdAt],
        )
      }
      await client.query(
        `UPDATE jobs SET state = 'done' WHERE job_id = $1
          AND items = (SELECT COUNT(*) FROM job_outputs WHERE job_id = $1)`,
        [spec.jobId],
      )
    })
  } catch (err) {
    if ((err as PgError).code === UNIQUE_VIOLATION)
      throw new DuplicateJobError(`job ${spec.jobId} exists, or two of its records share a custom_id`)
    throw err
  }
}

/** An item's output once; the delivery that completes the job marks it done. */
function deliver(pool: Pool, jobId: string, o: Omit<JobOutput, 'customId'>): Promise<boolean> {
  return transaction(pool, async (client) => {
    // Deliveries to one job in turn: the one that completes it sees every other's output.
    await client.query('SELECT 1 FROM jobs WHERE job_id = $1 FOR UPDATE', [jobId])
    const { rowCount } = await client.query(
      `INSERT INTO job_outputs (job_id, idx, outcome, body, verified_by, contributors, delivered_at)
        SELECT $1::text, $2::int, $3::text, $4::text, $5::text, $6::text[], $7::bigint
        WHERE EXISTS (SELECT 1 FROM jobs WHERE job_id = $1::text AND state != 'cancelled')
        ON CONFLICT (job_id, idx) DO NOTHING`,
      [jobId, o.index, o.outcome, o.body, o.verifiedBy, o.contributors, o.deliveredAt],
    )
    if ((rowCount ?? 0) === 0) return false
    await client.query(
      `UPDATE jobs SET state = 'done' WHERE job_id = $1 AND state IN ('running', 'paused')
        AND items = (SELECT COUNT(*) FROM job_outputs WHERE job_id = $1)`,
      [jobId],
    )
    return true
  })
}
