/**
 * Jobs in the SQLite ledger: a job row, its records, and each record's output, written once (the
 * primary key on job and index decides between a result handed in twice).
 */
import type Database from 'better-sqlite3'
import { type JobRow, jobOfRow, type OutputRow, outputOfRow } from '../job-rows.ts'
import { DuplicateJobError, type JobOutput, type JobStore } from '../types.ts'

/** The two writes that must happen whole: a job with its records, and an output with the job's state. */
function writers(db: Database.Database) {
  const insertJob = db.prepare(
    `INSERT INTO jobs (job_id, owner, task, model, params, state, priority, reward, items, created_at)
      VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
  )
  const insertItem = db.prepare('INSERT INTO job_items (job_id, idx, custom_id, input) VALUES (?, ?, ?, ?)')
  const finish = db.prepare(
    `UPDATE jobs SET state = 'done' WHERE job_id = ? AND state IN ('running', 'paused')
      AND items = (SELECT COUNT(*) FROM job_outputs WHERE job_id = ?)`,
  )
  const insertError = db.prepare(
    `INSERT INTO job_outputs (job_id, idx, outcome, body, verified_by, contributors, delivered_at)
      VALUES (?, ?, 'error', ?, NULL, '[]', ?)`,
  )
  const create = db.transaction(
    (spec: Parameters<JobStore['create']>[0], items: Parameters<JobStore['create']>[1]) => {
      insertJob.run(
        spec.jobId,
        spec.owner,
        spec.task,
        spec.model,
        spec.params,
        spec.priority,
        String(spec.reward),
        items.length,
        spec.createdAt,
      )
      for (const [i, item] of items.entries()) {
        insertItem.run(spec.jobId, i, item.customId, item.input)
        if (item.error != null) insertError.run(spec.jobId, i, JSON.stringify(item.error), spec.createdAt)
      }
      finish.run(spec.jobId, spec.jobId)
    },
  )
  const insertOutput = db.prepare(
    `INSERT INTO job_outputs (job_id, idx, outcome, body, verified_by, contributors, delivered_at)
      SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE job_id = ? AND state != 'cancelled')
      ON CONFLICT (job_id, idx) DO NOTHING`,
  )
  const deliver = db.transaction((jobId: string, o: Omit<JobOutput, 'customId'>): boolean => {
    const { changes } = insertOutput.run(
      jobId,
      o.index,
      o.outcome,
      o.body,
      o.verifiedBy,
      JSON.stringify(o.contributors),
      o.deliveredAt,
      jobId,
    )
    if (changes === 0) return false
    finish.run(jobId, jobId)
    return true
  })
  return { create, deliver }
}

export function sqliteJobs(db: Database.Database): JobStore {
  const { create, deliver } = writers(db)
  const getJob = db.prepare('SELECT * FROM jobs WHERE job_id = ?')
  return {
    async create(spec, items) {
      try {
        create.immediate(spec, items)
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT'))
          throw new DuplicateJobError(`job ${spec.jobId} exists, or two of its records share a custom_id`)
        throw err
      }
      return jobOfRow(getJob.get(spec.jobId) as JobRow)
    },
    async get(jobId) {
      const row = getJob.get(jobId) as JobRow | undefined
      return row == null ? undefined : jobOfRow(row)
    },
    async list(owner, state) {
      const rows = db
        .prepare(
          `SELECT * FROM jobs WHERE (@owner IS NULL OR owner = @owner) AND (@state IS NULL OR state = @state)
            ORDER BY created_at DESC, job_id`,
        )
        .all({ owner: owner ?? null, state: state ?? null }) as JobRow[]
      return rows.map(jobOfRow)
    },
    async setState(jobId, state) {
      const { changes } = db
        .prepare("UPDATE jobs SET state = ? WHERE job_id = ? AND state IN ('running', 'paused')")
        .run(state, jobId)
      return changes > 0
    },
    async pending(jobId, after, limit) {
      const rows = db
        .prepare(
          `SELECT i.idx, i.custom_id, i.input FROM job_items i
            WHERE i.job_id = ? AND i.idx > ?
            AND NOT EXISTS (SELECT 1 FROM job_outputs o WHERE o.job_id = i.job_id AND o.idx = i.idx)
            ORDER BY i.idx LIMIT ?`,
        )
        .all(jobId, after, limit) as Array<{ idx: number; custom_id: string; input: string }>
      return rows.map((r) => ({ index: r.idx, customId: r.custom_id, input: r.input }))
    },
    deliver: async (jobId, output) => deliver.immediate(jobId, output),
    async charge(jobId, flops) {
      db.prepare('UPDATE jobs SET cost = cost + ? WHERE job_id = ?').run(flops, jobId)
    },
    async outputs(jobId, after, limit) {
      const rows = db
        .prepare(
          `SELECT o.*, i.custom_id FROM job_outputs o JOIN job_items i USING (job_id, idx)
            WHERE o.job_id = ? AND o.idx > ? ORDER BY o.idx LIMIT ?`,
        )
        .all(jobId, after, limit) as OutputRow[]
      return rows.map(outputOfRow)
    },
    async progress(jobId) {
      const row = db
        .prepare(
          `SELECT (SELECT items FROM jobs WHERE job_id = ?) AS items, COUNT(*) AS delivered,
            COALESCE(SUM(outcome = 'error'), 0) AS errors,
            MIN(CASE WHEN verified_by IS NOT NULL THEN delivered_at END) AS first_at
            FROM job_outputs WHERE job_id = ?`,
        )
        .get(jobId, jobId) as {
        items: number | null
        delivered: number
        errors: number
        first_at: number | null
      }
      return { items: row.items ?? 0, delivered: row.delivered, errors: row.errors, firstAt: row.first_at }
    },
    async withdraw(contributor) {
      const { changes } = db
        .prepare(
          `DELETE FROM job_outputs WHERE verified_by = 'adaptive'
            AND job_id IN (SELECT job_id FROM jobs WHERE state IN ('running', 'paused'))
            AND EXISTS (SELECT 1 FROM json_each(job_outputs.contributors) WHERE value = ?)`,
        )
        .run(contributor)
      return changes
    },
    async rewardsDue() {
      const rows = db
        .prepare(
          `SELECT * FROM jobs WHERE state = 'done' AND CAST(reward AS INTEGER) > 0 AND rewarded_epoch IS NULL
            ORDER BY created_at, job_id`,
        )
        .all() as JobRow[]
      return rows.map(jobOfRow)
    },
  }
}
