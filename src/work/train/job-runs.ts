/**
 * Requesters' training jobs (docs/JOBS.md, "train") as runs beside the subnet's own: each running job
 * gets a training run of its own (its config, its corpus, its starting weights, its state dir), cut
 * under the job's offer id; when a run takes its last step, its final weights, their ONNX export and
 * its held-out curve become the job's result. One source for the validator, routing by offer.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import type { SourceContext, TrainJobResult, TrainJobRun, TrainJobWork, WorkSource } from '../kind.ts'
import { encodeWeights } from './checkpoint.ts'
import type { TrainGrant, TrainResult } from './codec.ts'
import { parseTrainConfig, type TrainConfig } from './config.ts'
import type { HistoryPoint } from './evaluator.ts'
import { mergeAdapters } from './lora.ts'
import { parameterLayout } from './model.ts'
import { exportOnnx } from './onnx-export.ts'
import type { Run } from './run.ts'
import { OFFER_ID } from './shards.ts'

const log = logger('tessera:train')

/** Sequences the exported ONNX model scores at once (the text-score and text-generate tasks' batch). */
const ONNX_BATCH = 8

type Source = WorkSource<TrainGrant, TrainResult>
type Open = (
  config: TrainConfig,
  context: SourceContext,
  options: {
    offerId: string
    notes: Record<string, string>
    finished(r: TrainJobResult): Promise<void>
    stepped(at: { step: number; maxSteps: number; heldOutLoss: number | null }): void
  },
) => Promise<Source>

/** The full model's weights at the end of a run (adapters merged), as a job hands them back. */
export function finalOutputs(
  config: TrainConfig,
  run: Run,
  trained: Float32Array,
  history: readonly HistoryPoint[],
  contributors: string[],
): TrainJobResult {
  const { model } = config
  const weights = run.lora != null ? mergeAdapters(model, run.lora, run.base!, trained) : trained
  const tensors = parameterLayout(model).params.map((p) => ({
    name: p.name,
    shape: p.shape,
    data: weights.slice(p.offset, p.offset + p.size),
  }))
  return {
    checkpoint: encodeWeights({ meta: { model, run: run.id, step: history.at(-1)?.step ?? 0 }, tensors }),
    onnx: exportOnnx(model, weights, ONNX_BATCH),
    history: history.map((h) => ({ step: h.step, heldOutLoss: h.heldOutLoss, trainLoss: h.trainLoss })),
    contributors,
  }
}

export function createJobRuns(
  own: Source | undefined,
  context: SourceContext,
  jobs: TrainJobWork,
  open: Open,
): Source {
  const runs = new Map<string, { jobId: string; source?: Source; opening?: Promise<void> }>()

  /** Opens the runs of newly running jobs and closes those of jobs no longer running. */
  const sync = () => {
    const wanted = jobs.runs()
    for (const [offerId, entry] of runs) {
      if (wanted.some((r) => r.offerId === offerId) || entry.opening != null) continue
      runs.delete(offerId)
      void entry.source?.close?.().catch((err) => log.error('closing job %s failed: %e', entry.jobId, err))
    }
    for (const job of wanted) {
      if (runs.has(job.offerId)) continue
      const entry: { jobId: string; source?: Source; opening?: Promise<void> } = { jobId: job.jobId }
      entry.opening = openRun(job).then(
        (source) => {
          entry.source = source
          entry.opening = undefined
        },
        async (err: Error) => {
          entry.opening = undefined
          log('training job %s cannot start: %s', job.jobId, err.message)
          await jobs.fail(job.jobId, err.message).catch(() => {})
        },
      )
      runs.set(job.offerId, entry)
    }
  }

  async function openRun(job: TrainJobRun): Promise<Source> {
    const section = {
      ...job.config,
      corpus: job.corpus,
      corpusSha256: job.corpusSha256,
      ...(job.init != null ? { init: job.init } : {}),
    }
    const config = parseTrainConfig(section, '/', context.shippedDir)
    if (config == null) throw new Error('no training config')
    if (config.maxSteps <= 0) throw new Error('a training job needs maxSteps (its last step)')
    const stateDir = join(context.stateDir, 'jobs', job.jobId)
    await mkdir(stateDir, { recursive: true })
    return open(
      config,
      { ...context, stateDir },
      {
        offerId: job.offerId,
        notes: job.notes,
        finished: (result) => jobs.finish(job.jobId, result),
        stepped: (at) => jobs.progress(job.jobId, at),
      },
    )
  }

  const route = (offerId: string) => (offerId === OFFER_ID ? own : runs.get(offerId)?.source)

  return {
    offers() {
      sync()
      return [...(own?.offers() ?? []), ...[...runs.values()].flatMap((r) => r.source?.offers() ?? [])]
    },
    next: (offerId, flops) => route(offerId)?.next(offerId, flops),
    restore(shardId, offerId) {
      return route(offerId)?.restore(shardId, offerId)
    },
    async verify(shard, result, verifying) {
      const source = route(shard.offerId)
      if (source == null) return { ok: false, reason: 'stale', message: 'the training job is over' }
      return source.verify(shard, result, verifying)
    },
    // The panel shows the subnet's own run; a job's progress is the job's.
    ...(own?.stats != null ? { stats: () => own.stats!() } : {}),
    async close() {
      await Promise.all([...runs.values()].map((r) => r.opening))
      await Promise.all([own, ...[...runs.values()].map((r) => r.source)].map((s) => s?.close?.()))
    },
  }
}
