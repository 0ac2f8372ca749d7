/**
 * The validator half of `infer`: shards of batches of the subnet owner's models (from the `infer`
 * section of the subnet config), sized to each lease; their inputs made by inputs.ts; each result
 * judged by verifier.ts (its form always, then agreement with an independent copy, or a
 * recomputation with onnxruntime-node of every canary (canaries.ts), every shard of a suspect or
 * picked by the validator's audit, and `sampleRate` of the rest).
 */
import { readFile } from 'node:fs/promises'
import { gemmFlops } from '../gemm-flops.ts'
import type {
  JobOffer,
  JobWork,
  NamedTensor,
  Shard,
  SourceContext,
  ValidatorKind,
  WorkSource,
} from '../kind.ts'
import { mixSeed } from '../prng.ts'
import { mustRecompute } from '../sampling.ts'
import { canaries } from './canaries.ts'
import { type InferGrant, type InferResult, MAX_ELEMENTS } from './codec.ts'
import { type InferConfig, JOBS_ONLY, parseInferConfig } from './config.ts'
import { createOutputForms } from './form.ts'
import { infer } from './index.ts'
import { generator } from './inputs.ts'
import { createPooledOnnx } from './onnx-task.ts'
import { createInferVerifier } from './verifier.ts'

export const inferValidator: ValidatorKind<InferGrant, InferResult> = {
  ...infer,
  async createSource(context) {
    // Without models of its own, the source still runs requesters' jobs.
    const config =
      parseInferConfig(context.config, context.configDir) ?? (context.jobs != null ? JOBS_ONLY : undefined)
    return config == null ? undefined : createInferSource(config, context)
  },
  conformance: {
    config: {
      sampleRate: 1,
      canaryRate: 0,
      maxBatches: 4,
      models: [
        {
          name: 'mlp-16x64x64x10',
          path: 'models/mlp-16x64x64x10.onnx',
          sha256: '1bc90f2701a7da792f2202a6667d7653e22360d49b92d6c3818f351c6f4a79df',
          flopsPerBatch: 737280,
          inputs: [{ name: 'x', shape: [64, 16], generate: { uniform: [-1, 1] } }],
        },
      ],
    },
    // One element of every batch: a sampled shard has one batch recomputed, chosen at random.
    perturb: ({ batches }) => ({
      batches: batches.map((outputs) =>
        outputs.map((t) =>
          t.dtype === 'float32'
            ? { ...t, data: (t.data as Float32Array).map((v, i) => (i === 0 ? v * 1.05 + 0.01 : v)) }
            : t,
        ),
      ),
    }),
    reshape: ({ batches }) => ({
      batches: batches.map((outputs) =>
        outputs.map((t) => ({ ...t, shape: [t.data.length - 1], data: t.data.slice(1) as Float32Array })),
      ),
    }),
    poison: ({ batches }) => ({
      batches: batches.map((outputs) =>
        outputs.map((t) =>
          t.dtype === 'float32'
            ? { ...t, data: (t.data as Float32Array).map((v, i) => (i === 0 ? Number.NaN : v)) }
            : t,
        ),
      ),
    }),
    // The MLP's dense layers, counted from its file, for each batch's rows.
    work: async (grant, { blob }) => {
      const model = await blob(grant.model)
      return grant.batches.reduce((sum, inputs) => sum + gemmFlops(model, inputs[0].shape[0]), 0)
    },
  },
}

/** Each configured model, served as a blob, with its input generators and its saved cursor. */
async function openModels(config: InferConfig, context: SourceContext) {
  return Promise.all(
    config.models.map(async (model, index) => {
      await context.blobs.addFile(model.path, model.sha256)
      const short = model.sha256.slice(0, 8)
      const cursorKey = `infer.cursor.${model.sha256.slice(0, 16)}`
      // infer_cursor_<sha> is where the first ledger format kept it.
      const saved = Number(
        (await context.cursor(cursorKey)) ??
          (await context.cursor(`infer_cursor_${model.sha256.slice(0, 16)}`)) ??
          0,
      )
      const elements = model.inputs.reduce((s, i) => s + i.shape.reduce((a, b) => a * b, 1), 0)
      return {
        model,
        offerId: `infer.${short}`,
        short,
        cursorKey,
        next: Number.isSafeInteger(saved) && saved >= 0 ? saved : 0,
        // A shard's inputs (and outputs, about as large) must fit the codec's element budget.
        maxBatches: Math.max(
          1,
          Math.min(config.maxBatches, Math.floor(MAX_ELEMENTS / 2 / Math.max(1, elements))),
        ),
        inputs: await Promise.all(
          model.inputs.map((spec) => generator(model, spec, mixSeed(context.seed, index))),
        ),
        bytes: readFile(model.path).then((b) => new Uint8Array(b)),
      }
    }),
  )
}

type Entry = Awaited<ReturnType<typeof openModels>>[number]

const grantOf = (entry: Entry, first: number, count: number): InferGrant => ({
  model: entry.model.sha256,
  flopsPerBatch: entry.model.flopsPerBatch,
  batches: Array.from({ length: count }, (_, b) => entry.inputs.map((make) => make(first + b))),
})

const shardOf = (entry: Entry, base: string, grant: InferGrant, copy?: number): Shard<InferGrant> => ({
  shardId: copy == null ? base : `${base}.r${copy}`,
  offerId: entry.offerId,
  grant,
  flops: infer.cost(grant),
  ...(copy != null ? { group: base } : {}),
})

async function createInferSource(
  config: InferConfig,
  context: SourceContext,
): Promise<WorkSource<InferGrant, InferResult>> {
  const onnx = createPooledOnnx(context.workers)
  const models = await openModels(config, context)
  const byOffer = new Map(models.map((m) => [m.offerId, m]))
  const byShort = new Map(models.map((m) => [m.short, m]))
  const bySha = new Map(models.map((m) => [m.model.sha256, m]))
  const pending = new Map<string, Shard<InferGrant>[]>()
  const jobs = context.jobs
  const verifier = createInferVerifier({
    config,
    forms: createOutputForms(),
    isCanary: await canaries(context.stateDir, config.canaryRate),
    recompute: (sha, inputs: NamedTensor[]) =>
      onnx.run(sha, () => bySha.get(sha)?.bytes ?? jobs!.model(sha), inputs),
    strike: context.strike,
  })
  /** A job's shard: its batches as an infer grant. */
  const jobShard = (shardId: string, offer: JobOffer, batches: NamedTensor[][]): Shard<InferGrant> => {
    const grant = { model: offer.model, flopsPerBatch: offer.flopsPerBatch, batches }
    return { shardId, offerId: offer.offerId, grant, flops: infer.cost(grant) }
  }

  function nextJobShard(work: JobWork, offerId: string, flops: number): Shard<InferGrant> | undefined {
    const offer = work.offers().find((o) => o.offerId === offerId)
    if (offer == null) return undefined
    const count = Math.max(1, Math.min(offer.maxBatches, Math.round(flops / offer.flopsPerBatch)))
    const taken = work.take(offerId, count)
    return taken == null ? undefined : jobShard(taken.shardId, offer, taken.batches)
  }

  return {
    offers: () => [
      ...models.map((m) => ({
        offerId: m.offerId,
        blobs: [m.model.sha256],
        minFlops: m.model.flopsPerBatch,
        maxFlops: m.model.flopsPerBatch * m.maxBatches,
      })),
      ...(jobs?.offers() ?? []).map((o) => ({
        offerId: o.offerId,
        blobs: [o.model],
        minFlops: o.flopsPerBatch,
        maxFlops: o.flopsPerBatch * o.maxBatches,
        ...(o.notes != null ? { notes: o.notes } : {}),
      })),
    ],

    next(offerId, flops) {
      const entry = byOffer.get(offerId)
      if (entry == null) return jobs == null ? undefined : nextJobShard(jobs, offerId, flops)
      const queued = pending.get(offerId)?.shift()
      if (queued != null) return queued
      const count = Math.max(1, Math.min(entry.maxBatches, Math.round(flops / entry.model.flopsPerBatch)))
      const first = entry.next
      entry.next += count
      const base = `m${entry.short}.${first}.${count}`
      const grant = grantOf(entry, first, count)
      const cursor = { key: entry.cursorKey, value: String(entry.next) }
      if (config.redundancy <= 1) return { ...shardOf(entry, base, grant), cursor }
      const rest = Array.from({ length: config.redundancy - 1 }, (_, r) => shardOf(entry, base, grant, r + 1))
      pending.set(offerId, [...(pending.get(offerId) ?? []), ...rest])
      return { ...shardOf(entry, base, grant, 0), cursor }
    },

    restore(shardId) {
      const job = jobs?.shard(shardId)
      if (job != null) return jobShard(shardId, job.offer, job.batches)
      const match = /^m([0-9a-f]{8})\.(\d+)\.(\d+)(?:\.r(\d))?$/.exec(shardId)
      const entry = match == null ? undefined : byShort.get(match[1])
      if (match == null || entry == null) return undefined
      const [first, count] = [Number(match[2]), Number(match[3])]
      if (!Number.isSafeInteger(first) || count < 1 || count > entry.maxBatches) return undefined
      const copy = match[4] == null ? undefined : Number(match[4])
      return shardOf(entry, `m${entry.short}.${first}.${count}`, grantOf(entry, first, count), copy)
    },

    stats: () => ({ ...verifier.counters }),
    verify(shard, result, verifying) {
      if (jobs?.shard(shard.shardId) == null) return verifier.verify(shard, result, verifying)
      const { peer } = verifying
      const how = mustRecompute(verifying, [], 0) ? 'recompute' : jobs.plan(shard.shardId, peer)
      return verifier.verifyJob(shard, result, how, (outputs, verifiedBy) =>
        jobs.deliver(shard.shardId, outputs, { peer, verifiedBy }),
      )
    },
  }
}
