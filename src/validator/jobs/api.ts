/**
 * The jobs API (docs/JOBS.md), under /api/ beside the validator's read-only routes. Every route
 * needs a bearer token (tokens.ts); a token sees and changes the jobs it submitted, the owner token
 * all of them. Uploads are refused with 413 before they are read when they declare too many bytes,
 * and cut off at the limit when they do not declare them.
 *
 *   PUT    models/<sha256>      the model's bytes (kept once; refused if they do not load)
 *   HEAD   models/<sha256>      200 when the validator holds it
 *   PUT    files/<sha256>       a data file records name (an audio-segments record's WAV)
 *   HEAD   files/<sha256>       200 when the validator holds it
 *   GET    files/<sha256>       a file: an upload, or a result's .npy tensor its line names
 *   POST   jobs?task=&model=&priority=&reward=&verify=   the dataset (JSONL) as the body
 *   POST   jobs?task=train&corpus=<sha256>[&init=<sha256>]&priority=&reward=   the train config (JSON)
 *   GET    jobs                 the token's jobs
 *   GET    jobs/<id>            one job: progress and ETA
 *   GET    jobs/<id>/results    the output lines verified so far, in input order (results taken on an
 *                                established contributor's word only once the job is done)
 *   GET    jobs/<id>/manifest   a completed job's signed manifest
 *   POST   jobs/<id>/pause, jobs/<id>/resume;  DELETE jobs/<id> cancels
 */
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { logger } from '@libp2p/logger'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { SHA256_HEX } from '../../protocol/ids.ts'
import type { JobRecord, JobStore } from '../ledger/types.ts'
import { FileRefusedError, type FileStore } from './files.ts'
import { outputLine, parseRecords, TooManyRecordsError } from './jsonl.ts'
import type { Manifest } from './manifest.ts'
import { type ModelInfo, ModelRefusedError, type ModelStore } from './models.ts'
import { type Task, taskNamed } from './tasks/index.ts'
import { OWNER, type Tokens } from './tokens.ts'
import type { TrainParams, TrainProgress } from './train-jobs.ts'

export interface JobLimits {
  /** Bytes of one dataset upload. */
  maxUploadBytes: number
  /** Bytes of one model upload. */
  maxModelBytes: number
  maxRecords: number
  maxRecordBytes: number
  /** Jobs one token may have running or paused at once. */
  maxOpenJobs: number
}

export const JOB_LIMITS: JobLimits = {
  maxUploadBytes: 256 * 1024 * 1024,
  maxModelBytes: 512 * 1024 * 1024,
  maxRecords: 1_000_000,
  maxRecordBytes: 1024 * 1024,
  maxOpenJobs: 16,
}

export interface JobsApiOptions {
  store: JobStore
  tokens: Tokens
  models: ModelStore
  files: FileStore
  limits: JobLimits
  /** The signed manifest of a completed job's output lines. */
  manifest(jobId: string, lines: string[]): Promise<Manifest>
  /** A running training job's step and pace. */
  trainProgress?(jobId: string): TrainProgress | undefined
  now?: () => number
}

const log = logger('tessera:jobs')

/** Bytes of a training job's config. */
const TRAIN_CONFIG_BYTES = 64 * 1024

/** Output lines read from the store at a time when results are streamed. */
const RESULTS_PAGE = 1000

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

type Ctx = JobsApiOptions & { now: () => number }

export function createJobsApi(options: JobsApiOptions) {
  const ctx: Ctx = { ...options, now: options.now ?? Date.now }
  return {
    /** Whether a request is this API's (`path` is what follows /api/). */
    owns: (path: string) => /^(jobs|models|files)(\/|$)/.test(path),
    async handle(
      req: IncomingMessage,
      res: ServerResponse,
      path: string,
      query: URLSearchParams,
    ): Promise<void> {
      try {
        const owner = ctx.tokens.authorize(req.headers.authorization)
        if (owner == null) throw new HttpError(401, 'a job needs a token: Authorization: Bearer <token>')
        await route(ctx, req, res, owner, path, query)
      } catch (err) {
        if (!(err instanceof HttpError)) throw err
        if (err.status === 413) res.setHeader('connection', 'close')
        send(res, err.status, { error: err.message })
      }
    },
  }
}

async function jobFor(ctx: Ctx, owner: string, id: string): Promise<JobRecord> {
  const job = await ctx.store.get(id)
  if (job == null || (owner !== OWNER && job.owner !== owner)) throw new HttpError(404, `no job ${id}`)
  return job
}

/** A job as the API describes it (GET jobs/<id>): what the CLI and the Jobs page show. */
export type JobView = Awaited<ReturnType<typeof describeJob>>

async function describeJob(ctx: Ctx, job: JobRecord) {
  const progress = await ctx.store.progress(job.jobId)
  const remaining = progress.items - progress.delivered
  const verified = progress.delivered - progress.errors
  const elapsed = progress.firstAt == null ? 0 : ctx.now() - progress.firstAt
  const train = job.state === 'running' ? ctx.trainProgress?.(job.jobId) : undefined
  return {
    id: job.jobId,
    task: job.task,
    model: job.model,
    state: job.state,
    priority: job.priority,
    reward: String(job.reward),
    created_at: job.createdAt,
    cost_flops: job.cost,
    items: progress.items,
    delivered: progress.delivered,
    errors: progress.errors,
    eta_s:
      remaining === 0
        ? 0
        : train != null
          ? train.eta_s
          : verified > 0 && elapsed > 0
            ? Math.round((remaining * elapsed) / verified / 1000)
            : null,
    /** A training job's run: its step of max_steps, held-out loss and pace. */
    ...(train != null ? { train } : {}),
  }
}

async function refuseOverOpenLimit(ctx: Ctx, owner: string) {
  const open = (await ctx.store.list(owner)).filter((j) => j.state === 'running' || j.state === 'paused')
  if (open.length >= ctx.limits.maxOpenJobs)
    throw new HttpError(429, `${open.length} jobs open: the limit is ${ctx.limits.maxOpenJobs}`)
}

/**
 * A training job: a run of the train kind on an uploaded corpus (from scratch, or fine-tuning an
 * uploaded weights file), its config the body. Its one record is the run's outcome: the final
 * checkpoint, its ONNX export and the held-out curve. The config is the train kind's to judge: one it
 * refuses ends the job with its reason as the record's error.
 */
async function submitTrain(ctx: Ctx, req: IncomingMessage, owner: string, query: URLSearchParams) {
  const corpus = query.get('corpus') ?? ''
  if (!ctx.files.has(corpus))
    throw new HttpError(400, `no corpus ${corpus}: upload it first (PUT /api/files/<sha256>)`)
  const init = query.get('init') ?? undefined
  if (init != null && !ctx.files.has(init))
    throw new HttpError(400, `no weights file ${init}: upload it first`)
  await refuseOverOpenLimit(ctx, owner)
  let config: unknown
  try {
    config = JSON.parse(new TextDecoder().decode(await readBody(req, TRAIN_CONFIG_BYTES)))
  } catch (err) {
    if (err instanceof HttpError) throw err
    throw new HttpError(400, `the train config is not JSON: ${(err as Error).message}`)
  }
  if (config == null || typeof config !== 'object' || Array.isArray(config))
    throw new HttpError(400, 'the train config must be a JSON object of the train section’s keys')
  const params: TrainParams = {
    config: config as Record<string, unknown>,
    corpus,
    ...(init != null ? { init } : {}),
  }
  const job = await ctx.store.create(
    {
      jobId: crypto.randomUUID(),
      owner,
      task: 'train',
      model: init ?? '',
      params: JSON.stringify(params),
      priority: intParam(query, 'priority', 0),
      reward: BigInt(intParam(query, 'reward', 0)),
      createdAt: ctx.now(),
    },
    [{ customId: 'checkpoint', input: '{}' }],
  )
  return describeJob(ctx, job)
}

async function submit(ctx: Ctx, req: IncomingMessage, owner: string, query: URLSearchParams) {
  if (query.get('task') === 'train') return submitTrain(ctx, req, owner, query)
  const task = taskNamed(query.get('task') ?? '')
  if (task == null) throw new HttpError(400, `unknown task ${query.get('task')}`)
  const verify = query.get('verify') ?? 'adaptive'
  if (verify !== 'adaptive' && verify !== 'recompute')
    throw new HttpError(400, `verify is adaptive or recompute, not ${verify}`)
  const model = query.get('model') ?? ''
  const info = ctx.models.info(model)
  if (info == null) throw new HttpError(400, `no model ${model}: upload it first (PUT /api/models/<sha256>)`)
  const unfit = task.unfit(info)
  if (unfit != null) throw new HttpError(422, unfit)
  const jobModel = await prepared(ctx, task, model, info)
  await refuseOverOpenLimit(ctx, owner)
  const text = new TextDecoder().decode(await readBody(req, ctx.limits.maxUploadBytes))
  let items: ReturnType<typeof parseRecords>
  try {
    items = parseRecords(text, ctx.limits, (body) => task.check(body, info, { files: ctx.files }))
  } catch (err) {
    if (err instanceof TooManyRecordsError) throw new HttpError(413, err.message)
    throw err
  }
  if (items.length === 0) throw new HttpError(400, 'the dataset has no records')
  const job = await ctx.store.create(
    {
      jobId: crypto.randomUUID(),
      owner,
      task: task.name,
      model: jobModel,
      params: JSON.stringify({ verify }),
      priority: intParam(query, 'priority', 0),
      reward: BigInt(intParam(query, 'reward', 0)),
      createdAt: ctx.now(),
    },
    items,
  )
  return describeJob(ctx, job)
}

async function prepared(ctx: Ctx, task: Task, model: string, info: ModelInfo): Promise<string> {
  const bytes = task.prepare?.(new Uint8Array(await readFile(ctx.models.path(model))), info)
  if (bytes == null) return model
  const sha = bytesToHex(sha256(bytes))
  try {
    await ctx.models.put(sha, bytes)
    return sha
  } catch (err) {
    if (!(err instanceof ModelRefusedError)) throw err
    log('the %s rewrite of model %s does not load, the job runs it as submitted: %e', task.name, model, err)
    return model
  }
}

async function results(ctx: Ctx, res: ServerResponse, job: JobRecord) {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' })
  // Until the job is done, a result taken on its contributor's word may still be taken back (the
  // contributor caught later): only independently verified lines go out.
  const final = job.state === 'done'
  for (let after = -1; ; ) {
    const page = await ctx.store.outputs(job.jobId, after, RESULTS_PAGE)
    if (page.length === 0) break
    const lines = page.filter((o) => final || o.verifiedBy !== 'adaptive').map(outputLine)
    const chunk = lines.length === 0 ? '' : `${lines.join('\n')}\n`
    if (!res.write(chunk)) await new Promise((resume) => res.once('drain', resume))
    after = page.at(-1)!.index
  }
  res.end()
}

async function manifest(ctx: Ctx, job: JobRecord) {
  if (job.state !== 'done')
    throw new HttpError(409, `job ${job.jobId} is ${job.state}: a manifest is signed once it is done`)
  const lines: string[] = []
  for (let after = -1; ; ) {
    const page = await ctx.store.outputs(job.jobId, after, RESULTS_PAGE)
    if (page.length === 0) break
    lines.push(...page.map(outputLine))
    after = page.at(-1)!.index
  }
  return ctx.manifest(job.jobId, lines)
}

async function sendFile(ctx: Ctx, res: ServerResponse, sha: string) {
  if (!ctx.files.has(sha)) throw new HttpError(404, `no file ${sha}`)
  res.writeHead(200, { 'content-type': 'application/octet-stream' })
  await pipeline(createReadStream(ctx.files.path(sha)), res)
}

/** An upload named by its sha256 into a store; the store's refusal (wrong bytes, a model that does not load) is a 422. */
async function putUpload<T>(
  req: IncomingMessage,
  sha: string,
  what: 'file' | 'model',
  limit: number,
  put: (sha: string, bytes: Uint8Array) => Promise<T>,
): Promise<T> {
  if (!SHA256_HEX.test(sha))
    throw new HttpError(400, `a ${what} is named by its sha256 (64 lowercase hex digits)`)
  try {
    return await put(sha, await readBody(req, limit))
  } catch (err) {
    if (err instanceof FileRefusedError || err instanceof ModelRefusedError)
      throw new HttpError(422, err.message)
    throw err
  }
}

async function route(
  ctx: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  owner: string,
  path: string,
  query: URLSearchParams,
) {
  const [collection, id, action, ...rest] = path.split('/')
  const method = req.method ?? 'GET'
  if (rest.length > 0) throw new HttpError(404, 'no such endpoint')
  if (collection === 'models' && id != null && action == null) {
    if (method === 'HEAD') return send(res, ctx.models.has(id) ? 200 : 404)
    if (method === 'PUT')
      return send(res, 200, await putUpload(req, id, 'model', ctx.limits.maxModelBytes, ctx.models.put))
  }
  if (collection === 'files' && id != null && action == null) {
    if (method === 'HEAD') return send(res, ctx.files.has(id) ? 200 : 404)
    if (method === 'PUT')
      return send(res, 200, await putUpload(req, id, 'file', ctx.limits.maxUploadBytes, ctx.files.put))
    if (method === 'GET') return sendFile(ctx, res, id)
  }
  if (collection !== 'jobs') throw new HttpError(404, 'no such endpoint')
  if (id == null || id === '') {
    if (method === 'GET')
      return send(res, 200, {
        jobs: await Promise.all(
          (await ctx.store.list(owner === OWNER ? undefined : owner)).map((job) => describeJob(ctx, job)),
        ),
      })
    if (method === 'POST') return send(res, 201, await submit(ctx, req, owner, query))
    throw new HttpError(405, 'GET or POST')
  }
  const job = await jobFor(ctx, owner, id)
  if (action == null && method === 'GET') return send(res, 200, await describeJob(ctx, job))
  if (action == null && method === 'DELETE') return changeState(ctx, res, job, 'cancelled')
  if (action === 'results' && method === 'GET') return results(ctx, res, job)
  if (action === 'manifest' && method === 'GET') return send(res, 200, await manifest(ctx, job))
  if (action === 'pause' && method === 'POST') return changeState(ctx, res, job, 'paused')
  if (action === 'resume' && method === 'POST') return changeState(ctx, res, job, 'running')
  throw new HttpError(404, 'no such endpoint')
}

async function changeState(
  ctx: Ctx,
  res: ServerResponse,
  job: JobRecord,
  state: 'paused' | 'running' | 'cancelled',
) {
  if (!(await ctx.store.setState(job.jobId, state)))
    throw new HttpError(409, `job ${job.jobId} is ${job.state}`)
  return send(res, 200, await describeJob(ctx, (await ctx.store.get(job.jobId))!))
}

export type JobsApi = ReturnType<typeof createJobsApi>

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name)
  if (raw == null) return fallback
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value < 0)
    throw new HttpError(400, `${name} must be a whole number ≥ 0`)
  return value
}

/** The request's body, at most `limit` bytes: 413 before reading when it says it is longer. */
async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `over ${limit} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new HttpError(413, `over ${limit} bytes`)
    chunks.push(chunk)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
