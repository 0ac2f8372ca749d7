/**
 * Training jobs (docs/JOBS.md, "train") as the train kind sees them (kind.ts TrainJobWork): each
 * running `train` job is a run of its own, its config and files read from the job; a finished run's
 * final weights and their ONNX export are kept as files (files.ts, named by sha256) and the job's one
 * record says where, with the held-out curve. A run that cannot start ends its job with that error.
 */
import { logger } from '@libp2p/logger'
import type { TrainJobResult, TrainJobRun, TrainJobWork } from '../../work/kind.ts'
import type { JobStore } from '../ledger/types.ts'
import type { FileStore } from './files.ts'
import { jobOfferId, REFILL_MS } from './job-work.ts'

const log = logger('tessera:jobs')

/** What a train job keeps in its params (api.ts submitTrain). */
export interface TrainParams {
  config: Record<string, unknown>
  corpus: string
  init?: string
}

/** Where a training job stands (GET jobs/<id>): its step of `max_steps`, and an ETA from its pace. */
export interface TrainProgress {
  step: number
  max_steps: number
  held_out_loss: number | null
  eta_s: number | null
}

export function createTrainJobWork(options: {
  store: JobStore
  files: FileStore
  now?: () => number
}): TrainJobWork & {
  refill(): Promise<void>
  stop(): void
  progressOf(jobId: string): TrainProgress | undefined
} {
  const { store, files } = options
  const now = options.now ?? Date.now
  let running: TrainJobRun[] = []
  /** Each run's latest step, and its first step seen in this process (its pace). */
  const steps = new Map<
    string,
    {
      step: number
      maxSteps: number
      heldOutLoss: number | null
      at: number
      first: { step: number; at: number }
    }
  >()

  async function refill(): Promise<void> {
    const jobs = (await store.list(undefined, 'running')).filter((j) => j.task === 'train')
    running = jobs.map((job) => {
      const params = JSON.parse(job.params) as TrainParams
      return {
        jobId: job.jobId,
        offerId: jobOfferId(job.jobId),
        config: params.config,
        corpus: files.path(params.corpus),
        corpusSha256: params.corpus,
        ...(params.init != null ? { init: files.path(params.init) } : {}),
        notes: { job: job.jobId.slice(0, 8), doing: 'Training a model' },
      }
    })
  }
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(
    () => void refill().catch((err) => log.error('reading the training jobs failed: %e', err)),
    REFILL_MS,
  )
  timer.unref?.()

  return {
    refill,
    stop() {
      clearInterval(timer)
      timer = undefined
    },
    runs: () => running,
    progress(jobId, at) {
      const first = steps.get(jobId)?.first ?? { step: at.step, at: now() }
      steps.set(jobId, { ...at, at: now(), first })
    },
    progressOf(jobId) {
      const p = steps.get(jobId)
      if (p == null) return undefined
      const pace = p.step > p.first.step ? (p.at - p.first.at) / (p.step - p.first.step) : null
      return {
        step: p.step,
        max_steps: p.maxSteps,
        held_out_loss: p.heldOutLoss,
        eta_s: pace == null ? null : Math.round(((p.maxSteps - p.step) * pace) / 1000),
      }
    },
    async finish(jobId, result: TrainJobResult) {
      const body = {
        checkpoint: await files.add(result.checkpoint),
        onnx: await files.add(result.onnx),
        steps: result.history.at(-1)?.step ?? 0,
        held_out: result.history.map((h) => ({ step: h.step, loss: h.heldOutLoss, train_loss: h.trainLoss })),
      }
      await store.deliver(jobId, {
        index: 0,
        outcome: 'ok',
        body: JSON.stringify(body),
        // Gradients are checked by sampling and by their step's guard (docs/TRAINING.md): the
        // weights rest on the contributors' word where they were not recomputed.
        verifiedBy: 'adaptive',
        contributors: result.contributors,
        deliveredAt: now(),
      })
      running = running.filter((r) => r.jobId !== jobId)
      steps.delete(jobId)
    },
    async fail(jobId, message) {
      await store.deliver(jobId, {
        index: 0,
        outcome: 'error',
        body: JSON.stringify({ code: 'train_failed', message }),
        verifiedBy: null,
        contributors: [],
        deliveredAt: now(),
      })
      running = running.filter((r) => r.jobId !== jobId)
    },
  }
}
