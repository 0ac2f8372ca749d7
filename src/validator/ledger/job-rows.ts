/**
 * Job and output rows as both ledgers return them (the same columns; PostgreSQL gives BIGINT and
 * NUMERIC as strings, SQLite keeps an output's contributors as JSON text).
 */
import type { JobOutput, JobRecord } from './types.ts'

export interface JobRow {
  job_id: string
  owner: string
  task: string
  model: string
  params: string
  state: JobRecord['state']
  priority: number
  reward: string
  items: number
  created_at: number | string
  cost: number | string
}

export interface OutputRow {
  idx: number
  custom_id: string
  outcome: JobOutput['outcome']
  body: string
  verified_by: JobOutput['verifiedBy']
  contributors: string | string[]
  delivered_at: number | string
}

export const jobOfRow = (r: JobRow): JobRecord => ({
  jobId: r.job_id,
  owner: r.owner,
  task: r.task,
  model: r.model,
  params: r.params,
  state: r.state,
  priority: r.priority,
  reward: BigInt(r.reward),
  items: r.items,
  createdAt: Number(r.created_at),
  cost: Number(r.cost),
})

export const outputOfRow = (r: OutputRow): JobOutput => ({
  index: r.idx,
  customId: r.custom_id,
  outcome: r.outcome,
  body: r.body,
  verifiedBy: r.verified_by,
  contributors: typeof r.contributors === 'string' ? JSON.parse(r.contributors) : r.contributors,
  deliveredAt: Number(r.delivered_at),
})
