/**
 * The validator half of `train`: one training run per validator, configured by the subnet config's
 * `train` section (docs/TRAINING.md). It cuts shards of the training split on the current model
 * version, verifies results (shape and finiteness always; a recomputation on the CPU reference for a
 * sample, every outlier, every suspect and whatever the validator's audit picks (a newcomer's first
 * shards among them); known-answer canaries), guards each step (step-guard.ts: a result pointing away
 * from its step is recomputed before the step is taken), feeds
 * accepted ones to the optimizer (trainer.ts), serves each new version as a blob, measures held-out
 * loss, and checkpoints weights and optimizer state in its state dir so a restart resumes the run.
 */
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import type { Shard, SourceContext, ValidatorKind, Verdict, VerifyContext, WorkSource } from '../kind.ts'
import { mustRecompute, secretRandom } from '../sampling.ts'
import { CheckpointError, createCheckpointStore } from './checkpoints.ts'
import type { TrainGrant, TrainResult } from './codec.ts'
import { normOf } from './compare.ts'
import { decompressInt8 } from './compress.ts'
import { parseTrainConfig, type TrainConfig } from './config.ts'
import { drawOffsets } from './corpus.ts'
import { createEvaluator } from './evaluator.ts'
import { train } from './index.ts'
import { judge } from './judge.ts'
import { mergeAdapters } from './lora.ts'
import { lossAndGradientRef, type Matmul, refMatmul } from './model.ref.ts'
import { initialWeights, trainFlops } from './model.ts'
import { openRun, type Run } from './run.ts'
import { microBatches, type ShardOutput } from './shard-ref.ts'
import { MAX_STATUS_POINTS } from './status.ts'
import { createStepGuard, type StepEntry } from './step-guard.ts'
import { createTrainer, freshState } from './trainer.ts'
import { createVersionStore, shared } from './versions.ts'

export { CheckpointError } from './checkpoints.ts'
export { TOLERANCE } from './judge.ts'

const log = logger('tessera:train')

const CHECK = new URL('./check.ts', import.meta.url).href
export const OFFER_ID = 'train'

/** Norms compared against the median of this many recent accepted results. */
const NORM_WINDOW = 32
const OUTLIER_FACTOR = 4
/**
 * A result enters its step with its norm held to this multiple of the step's median (the lower one
 * for an even count): one batch, or a contributor scaling its honest gradient within the outlier
 * bound, moves the model no more than two of its step's results would. The step's own median, not
 * the window's: a run whose gradients grow (LoRA adapters leaving zero) is not held back by a lagging
 * median.
 */
const CLIP_FACTOR = 2

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
    return config == null ? undefined : createTrainSource(config, context)
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

/** Canaries kept for the current step: answers recomputed earlier, to compare a repeat with. */
const MAX_CANARIES = 8
/** Verified norms before the outlier rule applies. */
const MIN_NORMS = 8

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

type Tag = { peer: string; shardId: string; grant: TrainGrant; loss: number }

async function createTrainSource(
  config: TrainConfig,
  context: SourceContext,
): Promise<WorkSource<TrainGrant, TrainResult>> {
  context.workers.preload(CHECK)
  const { model } = config
  const run: Run = await openRun(config, context)
  const { lora, base, trained } = run
  const checkpoints = createCheckpointStore(join(context.stateDir, `run-${run.id}.safetensors`), {
    model,
    id: run.id,
    size: trained.size,
  })
  const restored = await checkpoints.load()
  const trainer = createTrainer(config.optimizer, restored?.state ?? freshState(run.start))
  const versions = createVersionStore({
    blobs: context.blobs,
    layout: trained,
    meta: { model, run: run.id, ...(lora != null ? { lora, base: run.baseSha } : {}) },
    keep: config.maxStaleness + 1,
  })
  const counters = {
    verified: 0,
    recomputed: 0,
    canaries: 0,
    rejected: 0,
    stale: 0,
    outliers: 0,
    steps: 0,
    verifyMs: 0,
  }
  let trainLoss: number | null = null
  const evaluator = createEvaluator({
    history: restored?.history ?? [],
    trainLoss: () => trainLoss,
    loss: (weights) =>
      context.workers.run<number>({
        module: CHECK,
        fn: 'heldOutLoss',
        args: [
          model,
          lora != null ? shared(mergeAdapters(model, lora, base!, weights)) : weights,
          run.corpus,
          run.heldOutOffsets,
          config.microBatch,
        ],
      }),
  })
  const canaries: Array<{ step: number; seed: number; output: ShardOutput }> = []
  let canaryCount = 0
  const norms: number[] = []
  const draw = context.draw ?? secretRandom
  const shardFlops = trainFlops(model, config.sequences * model.context)
  const done = () => config.maxSteps > 0 && trainer.state.step >= config.maxSteps
  const save = () => checkpoints.save(() => ({ state: trainer.state, history: evaluator.history }))

  const publish = () => {
    versions.publish(trainer.state.step, trainer.state.weights)
    while (canaries.length > 0 && canaries[0].step < trainer.state.step) canaries.shift()
  }
  publish()
  if (evaluator.history.length === 0)
    evaluator.evaluate(trainer.state.step, versions.get(trainer.state.step)!.weights)

  function shardOf(step: number, seed: number, canary?: number): Shard<TrainGrant> | undefined {
    const version = versions.get(step)
    if (version == null) return undefined
    return {
      shardId: `train.${run.id}.${step}.${seed}${canary != null ? `.c${canary}` : ''}`,
      offerId: OFFER_ID,
      // Copies of one batch (a canary and its original) go to different contributors.
      group: `train.${run.id}.${step}.${seed}`,
      flops: shardFlops,
      grant: {
        weights: version.sha,
        step,
        model,
        corpus: run.corpusSha,
        offsets: drawOffsets(seed, config.sequences, run.split.train, model.context),
        microBatch: config.microBatch,
        seed,
        local: config.mode === 'local' ? config.local : undefined,
        block: config.block,
        ...(lora != null ? { lora: { base: run.baseSha!, ...lora } } : {}),
      },
    }
  }

  async function recompute(grant: TrainGrant): Promise<ShardOutput> {
    counters.recomputed++
    const { offsets, microBatch, local } = grant
    return context.workers.run<ShardOutput>({
      module: CHECK,
      fn: 'recomputeShard',
      args: [
        { model, offsets, microBatch, local, lora },
        versions.get(grant.step)!.weights,
        run.corpus,
        base,
      ],
    })
  }

  const guard = createStepGuard<Tag>({
    shardsPerStep: config.optimizer.shardsPerStep,
    async check({ vector, tag }) {
      if (!versions.has(tag.grant.step)) return undefined
      const verdict = judge({ loss: tag.loss, vector }, await recompute(tag.grant))
      return verdict?.ok === false ? verdict.message : undefined
    },
    reject({ tag }, message) {
      counters.rejected++
      context.strike(tag.peer, tag.shardId, `pointed away from its step, and ${message}`)
    },
    apply: takeStep,
    onError: (err) => log.error('recomputing a result of the step failed: %e', err),
  })

  /** A step from its guarded results, each held to CLIP_FACTOR times the step's median norm. */
  function takeStep(entries: StepEntry<Tag>[]) {
    if (done()) return
    trainer.step(clipToStep(entries))
    counters.steps++
    publish()
    const step = trainer.state.step
    if (step % config.evalEvery === 0 || done()) evaluator.evaluate(step, versions.get(step)!.weights)
    if (step % config.checkpointEvery === 0 || done()) void save()
  }

  /** What every result must be, sampled or not: its shape, finite, and of a version still used. */
  function formOf(grant: TrainGrant, result: TrainResult): Verdict | undefined {
    if (result.vector.length !== trained.size || result.vector.block !== grant.block) {
      return {
        ok: false,
        reason: 'wrong-shape',
        message: `${result.vector.length} values in blocks of ${result.vector.block}; it should be ${trained.size}, blocks of ${grant.block}`,
      }
    }
    if (!Number.isFinite(result.loss) || !result.vector.scales.every(Number.isFinite)) {
      return { ok: false, reason: 'non-finite', message: 'the loss or a block scale is not finite' }
    }
    if (trainer.state.step - grant.step > config.maxStaleness || !versions.has(grant.step)) {
      counters.stale++
      const message = `computed on step ${grant.step}; the model is at ${trainer.state.step}`
      return { ok: false, reason: 'stale', message }
    }
    return undefined
  }

  /** Recomputes (or compares with a canary's answer) when something says so; the rejection, if any. */
  async function check(
    shard: Shard<TrainGrant>,
    got: { loss: number; vector: Float32Array },
    verifying: Pick<VerifyContext, 'suspect' | 'audit'>,
    outlier: boolean,
  ) {
    const { grant } = shard
    const canary = /\.c\d+$/.test(shard.shardId)
      ? canaries.find((c) => c.step === grant.step && c.seed === grant.seed)
      : undefined
    if (canary != null) {
      counters.canaries++
      return { canary: true, verdict: judge(got, canary.output) }
    }
    if (!mustRecompute(verifying, [outlier], config.verifyFraction)) return { canary: false }
    const reference = await recompute(grant)
    if (grant.step === trainer.state.step) {
      canaries.push({ step: grant.step, seed: grant.seed, output: reference })
      if (canaries.length > MAX_CANARIES) canaries.shift()
    }
    return { canary: false, recomputed: true, verdict: judge(got, reference) }
  }

  return {
    offers: () =>
      done()
        ? []
        : [
            {
              offerId: OFFER_ID,
              blobs: [run.corpusSha],
              minFlops: shardFlops,
              maxFlops: shardFlops,
              notes: {
                run: run.id,
                mode: config.mode,
                weights: versions.get(trainer.state.step)!.sha,
                step: String(trainer.state.step),
                ...(evaluator.history.length > 0
                  ? { heldOutLoss: evaluator.history.at(-1)!.heldOutLoss.toFixed(4) }
                  : {}),
              },
            },
          ],
    next(offerId) {
      if (offerId !== OFFER_ID || done()) return undefined
      const canary = canaries.find((c) => c.step === trainer.state.step)
      if (canary != null && secretRandom() < config.canaryFraction) {
        return shardOf(canary.step, canary.seed, ++canaryCount)
      }
      return shardOf(trainer.state.step, Math.floor(draw() * 2 ** 32) >>> 0)
    },
    restore(id) {
      const m = /^train\.([0-9a-f]{8})\.(\d+)\.(\d+)(?:\.c(\d+))?$/.exec(id)
      if (m == null || m[1] !== run.id) return undefined
      return shardOf(Number(m[2]), Number(m[3]), m[4] != null ? Number(m[4]) : undefined)
    },
    async verify(shard, result, { peer, suspect, audit }) {
      const { grant } = shard
      const started = performance.now()
      const form = formOf(grant, result)
      if (form != null) return form
      const vector = decompressInt8(result.vector)
      const norm = normOf(vector)
      const middle = norms.length >= MIN_NORMS ? median(norms) : undefined
      const outlier = middle != null && (norm > OUTLIER_FACTOR * middle || norm < middle / OUTLIER_FACTOR)
      const checked = await check(shard, { loss: result.loss, vector }, { suspect, audit }, outlier)
      counters.verifyMs += performance.now() - started
      if (checked.verdict != null) {
        counters.rejected++
        return checked.verdict
      }
      counters.verified++
      const quality = trainer.discount(grant.step)
      // A canary repeats data already in this step: credit it, do not count it twice.
      if (checked.canary) return { ok: true, quality, detail: 'canary matched' }
      // Shards still in flight when the run reached maxSteps: honest work, credited, not applied.
      if (done()) return { ok: true, quality, detail: 'the run has finished' }
      // An outlier that survived recomputation is honest work: it enters the step (held to a bound of
      // its peers' norms when applied), and the window of verified norms follows the run however its
      // gradients grow or shrink.
      if (outlier) counters.outliers++
      norms.push(norm)
      if (norms.length > NORM_WINDOW) norms.shift()
      trainLoss = trainLoss == null ? result.loss : 0.9 * trainLoss + 0.1 * result.loss
      const tag = { peer, shardId: shard.shardId, grant, loss: result.loss }
      guard.add({ vector, fromStep: grant.step, checked: checked.recomputed === true, tag })
      return { ok: true, quality, detail: checked.recomputed ? 'recomputed' : 'form checked, not sampled' }
    },
    stats: () => ({
      ...counters,
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
