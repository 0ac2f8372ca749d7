/**
 * The running jobs as work for the `infer` kind's source (kind.ts JobWork): a window of each job's
 * waiting records, turned into model batches by the job's task, handed out as shards of whole
 * records; a verified shard's outputs turned back into records by the task and kept in the ledger.
 * Nothing here is the only copy: a record leaves the ledger's waiting list only when its output is
 * stored, so after a crash the records of shards in flight are simply cut again (and an output handed
 * in twice is kept once).
 */
import { readFile } from 'node:fs/promises'
import { logger } from '@libp2p/logger'
import type { JobOffer, JobWork, NamedTensor } from '../../work/kind.ts'
import type { JobOutput, JobRecord, JobStore } from '../ledger/types.ts'
import { type Assurance, type AssuranceOptions, createAssurance } from './assurance.ts'
import type { FileStore } from './files.ts'
import type { ModelInfo, ModelStore } from './models.ts'
import { externalize } from './npy.ts'
import { packRows, type Row, unpackRows } from './rows.ts'
import { type Task, type TaskContext, taskNamed } from './tasks/index.ts'
import { RecordError } from './tasks/text-score.ts'

const log = logger('tessera:jobs')

/** Records of a job held ready at once. */
const WINDOW = 1024
/** Batches one shard may hold. */
const MAX_BATCHES = 16
/** How often the window is refilled and job states read again. */
export const REFILL_MS = 1000

interface Unit {
  index: number
  /** The record's body: a record whose steps rested on a caught contributor starts again from it. */
  body: unknown
  /** The task's state of the record (its body, for one-step tasks). */
  state: unknown
  /** The rows of its next step. */
  rows: Row[]
  /** Who computed its steps so far. */
  contributors: Set<string>
  /** Those whose steps were taken on their word (`adaptive`), not recomputed. */
  unchecked: Set<string>
}

interface OpenJob {
  /** A refill of the window under way (taking shards starts one when the window runs low). */
  filling?: Promise<void>
  job: JobRecord
  task: Task
  info: ModelInfo
  offer: JobOffer
  waiting: Unit[]
  /** Record indexes in the window or in a shard: not loaded again. */
  held: Set<number>
  /** The requester asked for every result to be recomputed (`verify: recompute`). */
  recomputeAll: boolean
  /** Records were taken back (a contributor caught): the next refill reads the job from its start. */
  rewind: boolean
  /** Contributors' FLOPs on the records finished here, and how many: the job's size, for its rate. */
  measured: { flops: number; records: number }
  context: TaskContext
}

/** The offer a job's shards are cut from: its receipts carry it, and its reward is paid on them. */
export const jobOfferId = (jobId: string) => `job.${jobId.replaceAll('-', '').slice(0, 12)}`

export interface JobWorkOptions {
  store: JobStore
  models: ModelStore
  files: FileStore
  assurance?: AssuranceOptions
  now?: () => number
}

export interface JobWorkService extends JobWork {
  refill(): Promise<void>
  /**
   * `peer` was caught handing in wrong results (anywhere): every record that rests on its word alone
   * in an open job is computed again (docs/JOBS.md). Returns how many stored results were taken back.
   */
  caught(peer: string): Promise<number>
  /** Records taken back from the store, and records in the window started again, since the start. */
  stats(): { withdrawn: number; restarted: number }
  stop(): void
}

export function createJobWork(options: JobWorkOptions): JobWorkService {
  const { store, models, files } = options
  const now = options.now ?? Date.now
  const assurance = createAssurance(options.assurance)
  const counters = { withdrawn: 0, restarted: 0 }
  const open = new Map<string, OpenJob>()
  const byOffer = new Map<string, OpenJob>()
  const shards = new Map<string, { job: OpenJob; units: Unit[]; batches: NamedTensor[][] }>()
  const flopsOf = new Map<string, number>()

  async function refill(): Promise<void> {
    const running = await store.list(undefined, 'running')
    for (const id of [...open.keys()]) {
      if (running.some((j) => j.jobId === id)) continue
      byOffer.delete(open.get(id)!.offer.offerId)
      open.delete(id)
    }
    for (const job of running) {
      let o = open.get(job.jobId)
      if (o == null) {
        o = await openJob(job, models, files, flopsOf)
        if (o == null) continue
        open.set(job.jobId, o)
        byOffer.set(o.offer.offerId, o)
      }
      if (o.filling == null) await fill(o, store, now)
    }
  }

  let timer: ReturnType<typeof setInterval> | undefined = setInterval(
    () => void refill().catch((err) => log.error('reading the jobs failed: %e', err)),
    REFILL_MS,
  )
  timer.unref?.()

  return {
    refill,
    stats: () => ({ ...counters }),
    stop() {
      clearInterval(timer)
      timer = undefined
    },
    // Every running job, waiting records or not: a shard handed back (rejected, or its lease run out)
    // waits in the scheduler's queue under its offer, and only an announced offer is asked for.
    // Priority: while a job of higher priority has records waiting, those of lower ones wait.
    offers() {
      const jobs = [...open.values()]
      const top = Math.max(-Infinity, ...jobs.filter((o) => o.waiting.length > 0).map((o) => o.job.priority))
      return jobs.filter((o) => o.job.priority >= top).map(withRate)
    },
    take(offerId, batches) {
      const o = byOffer.get(offerId)
      if (o == null || o.waiting.length === 0) return undefined
      // Whole records, as many as fill the batches asked for (at least one record).
      const stack = o.task.stack(o.info)
      const room = batches * (stack ?? 1)
      const units: Unit[] = []
      let rows = 0
      while (o.waiting.length > 0 && (units.length === 0 || rows + o.waiting[0].rows.length <= room)) {
        const unit = o.waiting.shift()!
        units.push(unit)
        rows += unit.rows.length
      }
      // Records go fast when several share a batch: read more before the window runs dry.
      if (o.waiting.length < (o.task.window ?? WINDOW) / 2 && o.filling == null) {
        o.filling = fill(o, store, now)
          .catch((err) => log.error('reading job %s failed: %e', o.job.jobId, err))
          .finally(() => {
            o.filling = undefined
          })
      }
      const shardId = `${o.offer.offerId}.${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`
      const packed = packRows(
        units.flatMap((u) => u.rows),
        stack,
      )
      shards.set(shardId, { job: o, units, batches: packed })
      return { shardId, batches: packed }
    },
    shard(shardId) {
      const open = shards.get(shardId)
      return open == null ? undefined : { offer: open.job.offer, batches: open.batches }
    },
    model: async (sha) => new Uint8Array(await readFile(models.path(sha))),
    plan(shardId, peer) {
      return assurance.plan(peer, shards.get(shardId)?.job.recomputeAll ?? true)
    },
    async deliver(shardId, outputs, { peer, verifiedBy }) {
      const shard = shards.get(shardId)
      if (shard == null) return
      shards.delete(shardId)
      const { job, units } = shard
      // The contributor's run, and the validator's when it recomputed the shard.
      const runs = verifiedBy === 'recompute' ? 2 : 1
      await store.charge(job.job.jobId, runs * outputs.length * job.offer.flopsPerBatch)
      job.measured.flops += outputs.length * job.offer.flopsPerBatch
      if (verifiedBy === 'recompute') assurance.passed(peer, units.length)
      await deliverUnits(job, units, outputs, { peer, verifiedBy }, { store, now, assurance })
    },
    async caught(peer) {
      if (!assurance.catch(peer)) return 0
      const withdrawn = await store.withdraw(peer)
      counters.withdrawn += withdrawn
      for (const o of open.values()) {
        o.rewind ||= withdrawn > 0
        o.waiting = o.waiting.map((u) => {
          if (!u.unchecked.has(peer)) return u
          counters.restarted++
          return restart(o, u)
        })
      }
      if (withdrawn > 0) log('%s was caught: %d results taken back to be computed again', peer, withdrawn)
      return withdrawn
    },
  }
}

/**
 * The offer, with the rate its reward pays when it has one (TAO per GFLOP of credit, the `rate` note
 * the page's market adds to the validator's: client/choice.ts). Credit is the contributors' GFLOPs,
 * so the rate is the reward over the job's expected GFLOPs: its records × the FLOPs a record took
 * so far (before the first, one batch row's).
 */
function withRate(o: OpenJob): JobOffer {
  if (o.job.reward <= 0n) return o.offer
  const perRecord =
    o.measured.records > 0
      ? o.measured.flops / o.measured.records
      : o.offer.flopsPerBatch / (o.task.stack(o.info) ?? 1)
  const rate = Number(o.job.reward) / 1e9 / ((perRecord * o.job.items) / 1e9)
  return { ...o.offer, notes: { ...o.offer.notes, rate: rate.toPrecision(4) } }
}

/** The record from its first step again, with no contributor. */
function restart(o: OpenJob, unit: Unit): Unit {
  const state = o.task.start(unit.body, o.info, o.context)
  return { ...unit, state, rows: o.task.inputs(state, o.info), contributors: new Set(), unchecked: new Set() }
}

/** A running job's offer and window; undefined when its task or model is unknown here. */
async function openJob(
  job: JobRecord,
  models: ModelStore,
  files: FileStore,
  flopsOf: Map<string, number>,
): Promise<OpenJob | undefined> {
  const task = taskNamed(job.task)
  const info = models.info(job.model)
  if (task == null || info == null) return undefined
  let flops = flopsOf.get(job.model)
  if (flops == null) {
    flops = Math.max(1, task.flopsPerBatch(new Uint8Array(await readFile(models.path(job.model))), info))
    flopsOf.set(job.model, flops)
  }
  const params = JSON.parse(job.params) as { verify?: string }
  const offer = {
    offerId: jobOfferId(job.jobId),
    model: job.model,
    flopsPerBatch: flops,
    maxBatches: MAX_BATCHES,
    notes: { job: job.jobId.slice(0, 8), doing: task.doing },
  }
  return {
    job,
    task,
    info,
    offer,
    waiting: [],
    held: new Set(),
    recomputeAll: params.verify === 'recompute',
    rewind: false,
    measured: { flops: 0, records: 0 },
    context: { files },
  }
}

/** Reads the window's records into units; a record the task cannot turn into batches gets its error line. */
async function fill(o: OpenJob, store: JobStore, now: () => number): Promise<void> {
  const window = o.task.window ?? WINDOW
  const room = window - o.waiting.length
  if (room <= 0) return
  const after = o.rewind ? -1 : (o.waiting.at(-1)?.index ?? -1)
  o.rewind = false
  for (const item of await store.pending(o.job.jobId, after, room + o.held.size)) {
    if (o.held.has(item.index)) continue
    try {
      const body = JSON.parse(item.input)
      const state = o.task.start(body, o.info, o.context)
      o.waiting.push({
        index: item.index,
        body,
        state,
        rows: o.task.inputs(state, o.info),
        contributors: new Set(),
        unchecked: new Set(),
      })
      o.held.add(item.index)
    } catch (err) {
      if (!(err instanceof RecordError || err instanceof SyntaxError)) throw err
      const code = err instanceof RecordError ? err.code : 'invalid_json'
      await store.deliver(o.job.jobId, errorOutput(item.index, code, err.message, now()))
    }
    if (o.waiting.length >= window) break
  }
}

/**
 * A verified shard's outputs applied to its records: a finished record's result is kept, one with
 * another step to go is first in line again.
 */
async function deliverUnits(
  job: OpenJob,
  units: Unit[],
  outputs: NamedTensor[][],
  from: { peer: string; verifiedBy: 'recompute' | 'adaptive' },
  { store, now, assurance }: { store: JobStore; now: () => number; assurance: Assurance },
): Promise<void> {
  const total = units.reduce((n, u) => n + u.rows.length, 0)
  const rows = unpackRows(outputs, total, job.task.stack(job.info))
  let at = 0
  const again: Unit[] = []
  for (const unit of units) {
    const own = rows.slice(at, at + unit.rows.length)
    at += unit.rows.length
    unit.contributors.add(from.peer)
    if (from.verifiedBy === 'adaptive') unit.unchecked.add(from.peer)
    // A step taken on the word of a contributor caught since: the record starts again.
    if ([...unit.unchecked].some(assurance.isCaught)) {
      again.push(restart(job, unit))
      continue
    }
    let output: Omit<JobOutput, 'customId'>
    try {
      const step = job.task.advance(unit.state, job.info, own)
      if (!step.done) {
        // The record's next step: first in line, so records finish rather than all start.
        again.push({ ...unit, state: step.state, rows: job.task.inputs(step.state, job.info) })
        continue
      }
      output = {
        index: unit.index,
        outcome: 'ok',
        body: JSON.stringify(await externalize(step.result, job.context.files)),
        verifiedBy: unit.unchecked.size > 0 ? 'adaptive' : 'recompute',
        contributors: [...unit.contributors],
        deliveredAt: now(),
      }
    } catch (err) {
      output = errorOutput(unit.index, 'model_output', (err as Error).message, now())
    }
    job.held.delete(unit.index)
    job.measured.records++
    await store.deliver(job.job.jobId, output)
  }
  job.waiting.unshift(...again)
}

function errorOutput(index: number, code: string, message: string, at: number): Omit<JobOutput, 'customId'> {
  return {
    index,
    outcome: 'error',
    body: JSON.stringify({ code, message }),
    verifiedBy: null,
    contributors: [],
    deliveredAt: at,
  }
}
