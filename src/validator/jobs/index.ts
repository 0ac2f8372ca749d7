/**
 * Requesters' jobs on a validator (docs/JOBS.md): the models they upload, the work the `infer`
 * source takes from the running jobs, and the authenticated HTTP API, opened together.
 */
import type { PrivateKey } from '@libp2p/interface'
import type { BlobRegistry } from '../../work/kind.ts'
import type { JobStore } from '../ledger/types.ts'
import { createJobsApi, JOB_LIMITS, type JobLimits, type JobsApi } from './api.ts'
import type { AssuranceOptions } from './assurance.ts'
import { openFileStore } from './files.ts'
import { createJobWork } from './job-work.ts'
import { signManifest } from './manifest.ts'
import { openModelStore } from './models.ts'
import { loadTokens } from './tokens.ts'
import { createTrainJobWork } from './train-jobs.ts'

export interface JobsOptions {
  /** A file of `<name> <token>` lines: requesters besides the owner. */
  tokensFile?: string
  limits?: Partial<JobLimits>
  /** How job results are verified (assurance.ts). */
  assurance?: AssuranceOptions
}

export interface Jobs {
  api: JobsApi
  work: ReturnType<typeof createJobWork>
  /** Training jobs, for the train kind. */
  train: ReturnType<typeof createTrainJobWork>
  /** The owner token, when this start made it (shown once). */
  createdToken?: string
  stop(): void
}

export async function openJobs(
  options: JobsOptions & {
    dataDir: string
    store: JobStore
    blobs: BlobRegistry
    privateKey: PrivateKey
    validator: string
  },
): Promise<Jobs> {
  const { tokens, created } = await loadTokens(options.dataDir, options.tokensFile)
  const models = await openModelStore(options.dataDir, options.blobs)
  const files = await openFileStore(options.dataDir)
  const work = createJobWork({ store: options.store, models, files, assurance: options.assurance })
  const train = createTrainJobWork({ store: options.store, files })
  const api = createJobsApi({
    store: options.store,
    tokens,
    models,
    files,
    limits: { ...JOB_LIMITS, ...options.limits },
    manifest: (jobId, lines) => signManifest(jobId, lines, options.privateKey, options.validator),
    trainProgress: (jobId) => train.progressOf(jobId),
  })
  return {
    api,
    work,
    train,
    ...(created != null ? { createdToken: created } : {}),
    stop() {
      work.stop()
      train.stop()
    },
  }
}
