/**
 * The validator half of `train`: one training run per validator, configured by the subnet config's
 * `train` section (docs/TRAINING.md). It cuts shards of the training split on the current model
 * version (shards.ts), verifies results (verifier.ts: shape and finiteness always; a recomputation on
 * the CPU reference for a sample, every outlier, every suspect and whatever the validator's audit
 * picks; known-answer canaries), guards each step (step-guard.ts: a result pointing away from its
 * step is recomputed before the step is taken), feeds accepted ones to the optimizer (trainer.ts),
 * serves each new version as a blob (versions.ts), measures held-out loss (evaluator.ts), and
 * checkpoints weights and optimizer state in its state dir (checkpoints.ts) so a restart resumes.
 */
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import type { SourceContext, TaskRunner, TrainJobResult, ValidatorKind, WorkSource } from '../kind.ts'
import { secretRandom } from '../sampling.ts'
import { CheckpointError, createCheckpointStore } from './checkpoints.ts'
import type { TrainGrant, TrainResult } from './codec.ts'
import { normOf } from './compare.ts'
import { parseTrainConfig, type TrainConfig } from './config.ts'
import { createEvaluator } from './evaluator.ts'
import { train } from './index.ts'
import { createJobRuns, finalOutputs } from './job-runs.ts'
import { judge } from './judge.ts'
import { createStepSizer } from './local-steps.ts'
import { mergeAdapters } from './lora.ts'
import { lossAndGradientRef, type Matmul, refMatmul } from './model.ref.ts'
import { initialWeights } from './model.ts'
import { openRun, type Run } from './run.ts'
import { microBatches } from './shard-ref.ts'
import { createShardCutter, OFFER_ID } from './shards.ts'
import { MAX_STATUS_POINTS } from './status.ts'
import { createStepGuard, type StepEntry } from './step-guard.ts'
import { createTrainer, freshState } from './trainer.ts'
import { CHECK, createTrainVerifier, type TrainVerifier } from './verifier.ts'
import { createVersionStore, shared, type VersionStore } from './versions.ts'

export { CheckpointError } from './checkpoints.ts'
export { TOLERANCE } from './judge.ts'

const log = logger('tessera:train')
/** Peers a job's result names at most. */
const MAX_CONTRIBUTORS = 1000

export { OFFER_ID } from './shards.ts'

/**
 * A result enters its step with its norm held to this multiple of the step's median (the lower one
 * for an even count): one batch, or a contributor scaling its honest gradient within the outlier
 * bound, moves the model no more than two of its step's results would. The step's own median, not
 * the window's: a run whose gradients grow (LoRA adapters leaving zero) is not held back by a lagging
 * median.
 */
const CLIP_FACTOR = 2
/** Weight of each accepted result's loss in the smoothed training loss the status shows. */
const TRAIN_LOSS_WEIGHT = 0.1

function clipToStep(entries: ReadonlyArray<{ vector: Float32Array; fromStep: number }>) {
  const norms = entries.map((e) => normOf(e.vector))
  const bound = CLIP_FACTOR * [...norms].sort((a, b) => a - b)[(norms.length - 1) >> 1]
  return entries.map(({ vector, fromStep }, i) => ({
    vector: norms[i] > bound ? vector.map((x) => (x * bound) / norms[i]) : vector,
    fromStep,
  }))
}

export const trainValidator: ValidatorKind<TrainGrant, TrainResult> = {
  ...train,
  async createSource(context) {
    const config = parseTrainConfig(context.config, context.configDir, context.shippedDir)
    const own = config == null ? undefined : await createTrainSource(config, context)
    // Requesters' training jobs run beside the subnet's own run, each a run of its own.
    return context.trainJobs == null ? own : createJobRuns(own, context, context.trainJobs, createTrainSource)
  },
  conformance: {
    config: { layers: 1, width: 16, heads: 2, context: 8, sequences: 2, microBatch: 1, verifyFraction: 1 },
    // Half of one block's values flipped: small against the whole vector, far outside tolerance.
    perturb: ({ loss, vector }) => {
      const values = vector.values.slice()
      for (let i = 0; i < values.length; i += 2) values[i] = -values[i]
      return { loss, vector: { ...vector, values } }
    },
    reshape: ({ loss, vector }) => ({
      loss,
      vector: { ...vector, length: vector.length - 1, values: vector.values.slice(1) },
    }),
    poison: ({ vector }) => ({ loss: Number.NaN, vector }),
    // The products of a forward and backward pass over the grant's sequences, counted as the
    // reference runs them, plus causal attention's (position t attends to t positions).
    work: async (grant) => {
      let products = 0
      const counting: Matmul = (a, b, m, n, k, o) => {
        products += 2 * m * n * k
        return refMatmul(a, b, m, n, k, o)
      }
      const { model, offsets } = grant
      const corpus = new Uint8Array(Math.max(...offsets) + model.context + 1)
      for (const batch of microBatches({ model, offsets, microBatch: grant.microBatch }, corpus)) {
        await lossAndGradientRef(model, initialWeights(model, 1), batch, counting)
      }
      const attention = 3 * model.layers * 2 * 2 * model.width * ((model.context * (model.context + 1)) / 2)
      return products + offsets.length * attention
    },
  },
}

type Tag = { peer: string; shardId: string; grant: TrainGrant; loss: number }

/** The held-out loss of trained weights (merged into the base model for LoRA), on a worker thread. */
function heldOutLoss(config: TrainConfig, run: Run, workers: TaskRunner) {
  const { model } = config
  return (weights: Float32Array) =>
    workers.run<number>({
      module: CHECK,
      fn: 'heldOutLoss',
      args: [
        model,
        run.lora != null ? shared(mergeAdapters(model, run.lora, run.base!, weights)) : weights,
        run.corpus,
        run.heldOutOffsets,
        config.microBatch,
      ],
    })
}

/**
 * Results wait for their step here (step-guard.ts); one pointing away from the step's others is
 * recomputed first, and a wrong one leaves the step and strikes its contributor.
 */
function guardSteps(
  shardsPerStep: number,
  verifier: TrainVerifier,
  versions: VersionStore,
  context: SourceContext,
  apply: (entries: StepEntry<Tag>[]) => void,
) {
  return createStepGuard<Tag>({
    shardsPerStep,
    async check({ vector, tag }) {
      if (!versions.has(tag.grant.step)) return undefined
      return judge({ loss: tag.loss, vector }, await verifier.recompute(tag.grant))?.message
    },
    reject({ tag }, message) {
      verifier.counters.rejected++
      context.strike(tag.peer, tag.shardId, `pointed away from its step, and ${message}`)
    },
    apply,
    onError: (err) => log.error('recomputing a result of the step failed: %e', err),
  })
}

/** The run where its checkpoint left it (or at step 0), and the store that serves its versions. */
async function resume(config: TrainConfig, run: Run, context: SourceContext) {
  const { model } = config
  const checkpoints = createCheckpointStore(join(context.stateDir, `run-${run.id}.safetensors`), {
    model,
    id: run.id,
    size: run.trained.size,
  })
  const restored = await checkpoints.load()
  const trainer = createTrainer(config.optimizer, restored?.state ?? freshState(run.start))
  const versions = createVersionStore({
    blobs: context.blobs,
    layout: run.trained,
    meta: { model, run: run.id, ...(run.lora != null ? { lora: run.lora, base: run.baseSha } : {}) },
    keep: config.maxStaleness + 1,
  })
  return { checkpoints, restored, trainer, versions }
}

export interface RunOptions {
  /** The offer its shards are cut from (a job's own); the subnet's run: OFFER_ID. */
  offerId?: string
  notes?: Record<string, string>
  /** Called once, when the run has taken its last step and checkpointed: a job's result. */
  finished?(result: TrainJobResult): Promise<void>
  /** Called after every step (a job's progress). */
  stepped?(at: { step: number; maxSteps: number; heldOutLoss: number | null }): void
}

export async function createTrainSource(
  config: TrainConfig,
  context: SourceContext,
  options: RunOptions = {},
): Promise<WorkSource<TrainGrant, TrainResult>> {
  const offerId = options.offerId ?? OFFER_ID
  context.workers.preload(CHECK)
  const { model } = config
  const run: Run = await openRun(config, context)
  const { lora, trained } = run
  const { checkpoints, restored, trainer, versions } = await resume(config, run, context)
  const step = () => trainer.state.step
  const verifier = createTrainVerifier({ config, run, versions, workers: context.workers, step })
  let steps = 0
  let trainLoss: number | null = null
  const evaluator = createEvaluator({
    history: restored?.history ?? [],
    trainLoss: () => trainLoss,
    loss: heldOutLoss(config, run, context.workers),
  })
  let canaryCount = 0
  const draw = context.draw ?? secretRandom
  const shards = createShardCutter(config, run, versions, offerId)
  const sizer = createStepSizer({
    stepFlops: shards.stepFlops,
    // The int8 weight change a local result hands in: a byte per parameter and a scale per block.
    deltaBytes: run.start.length * (1 + 4 / config.block),
    min: config.sequences / config.microBatch,
    max: config.maxLocalSteps,
    uploadShare: config.uploadShare,
  })
  const contributors = new Set<string>()
  let finishing: Promise<void> | undefined
  /** A job's run, once done: its outputs handed over (again at the next offers() if that failed). */
  const finish = () => {
    if (options.finished == null || !done() || finishing != null) return
    finishing = (async () => {
      await guard.idle()
      await evaluator.idle()
      await save()
      const weights = versions.get(trainer.state.step)!.weights
      await options.finished!(finalOutputs(config, run, weights, evaluator.history, [...contributors]))
    })().catch((err) => {
      log.error('handing over the finished run failed: %e', err)
      finishing = undefined
    })
  }
  const done = () => config.maxSteps > 0 && trainer.state.step >= config.maxSteps
  const save = () => checkpoints.save(() => ({ state: trainer.state, history: evaluator.history }))

  const publish = () => {
    versions.publish(trainer.state.step, trainer.state.weights)
    verifier.published(trainer.state.step)
  }
  publish()
  if (evaluator.history.length === 0)
    evaluator.evaluate(trainer.state.step, versions.get(trainer.state.step)!.weights)

  const guard = guardSteps(config.optimizer.shardsPerStep, verifier, versions, context, takeStep)

  /** A step from its guarded results, each held to CLIP_FACTOR times the step's median norm. */
  function takeStep(entries: StepEntry<Tag>[]) {
    if (done()) return
    trainer.step(clipToStep(entries))
    steps++
    publish()
    const step = trainer.state.step
    if (step % config.evalEvery === 0 || done()) evaluator.evaluate(step, versions.get(step)!.weights)
    if (step % config.checkpointEvery === 0 || done()) void save()
    options.stepped?.({
      step,
      maxSteps: config.maxSteps,
      heldOutLoss: evaluator.history.at(-1)?.heldOutLoss ?? null,
    })
    finish()
  }

  return {
    offers() {
      if (done()) {
        finish()
        return []
      }
      const measured = evaluator.history.at(-1)
      const notes = {
        ...options.notes,
        run: run.id,
        mode: config.mode,
        weights: versions.get(trainer.state.step)!.sha,
        step: String(trainer.state.step),
        ...(measured != null ? { heldOutLoss: measured.heldOutLoss.toFixed(4) } : {}),
      }
      return [{ offerId, blobs: [run.corpusSha], minFlops: shards.flops, maxFlops: shards.maxFlops, notes }]
    },
    next(asked, flops, lessee) {
      if (asked !== offerId || done()) return undefined
      const canary = verifier.canary()
      if (canary != null && secretRandom() < config.canaryFraction) {
        return shards.cut(canary.step, canary.seed, ++canaryCount, sizer.steps(canary.step))
      }
      const step = trainer.state.step
      // Never more than the lease may hold (a newcomer's smallest shard takes the configured steps).
      const steps = Math.min(sizer.steps(step, lessee), Math.floor(flops / shards.stepFlops))
      return shards.cut(step, Math.floor(draw() * 2 ** 32) >>> 0, undefined, steps)
    },
    restore: (id) => shards.restore(id),
    async verify(shard, result, { peer, suspect, audit }) {
      const { grant } = shard
      const checked = await verifier.check(shard, result, { suspect, audit })
      if (!checked.ok) return checked.verdict
      const quality = trainer.discount(grant.step)
      // A canary repeats data already in this step: credit it, do not count it twice.
      if (checked.canary) return { ok: true, quality, detail: 'canary matched' }
      // Shards still in flight when the run reached maxSteps: honest work, credited, not applied.
      if (done()) return { ok: true, quality, detail: 'the run has finished' }
      verifier.accepted(checked)
      trainLoss =
        trainLoss == null
          ? result.loss
          : (1 - TRAIN_LOSS_WEIGHT) * trainLoss + TRAIN_LOSS_WEIGHT * result.loss
      const tag = { peer, shardId: shard.shardId, grant, loss: result.loss }
      if (contributors.size < MAX_CONTRIBUTORS) contributors.add(peer)
      guard.add({ vector: checked.vector, fromStep: grant.step, checked: checked.recomputed, tag })
      return { ok: true, quality, detail: checked.recomputed ? 'recomputed' : 'form checked, not sampled' }
    },
    stats: () => ({
      ...verifier.counters,
      steps,
      checkpointFailures: checkpoints.failures,
      evaluationFailures: evaluator.failures,
      step: trainer.state.step,
      pending: guard.pending(),
      astray: guard.astray,
      weights: versions.get(trainer.state.step)!.sha,
      run: run.id,
      mode: config.mode,
      model,
      trainedParameters: trained.size,
      lora: lora != null ? `rank ${lora.rank}, alpha ${lora.alpha}` : null,
      trainLoss,
      heldOutLoss: evaluator.history.at(-1)?.heldOutLoss ?? null,
      history: evaluator.history.slice(-MAX_STATUS_POINTS),
      checkpointError: checkpoints.error,
    }),
    async close() {
      await guard.idle()
      await evaluator.idle()
      await save()
      if (checkpoints.error != null) {
        throw new CheckpointError(`the run's last checkpoint was not written: ${checkpoints.error}`)
      }
    },
  }
}
