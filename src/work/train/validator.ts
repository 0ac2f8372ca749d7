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
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import type { Shard, SourceContext, ValidatorKind, Verdict, WorkSource } from '../kind.ts'
import { mixSeed } from '../prng.ts'
import { decodeWeights, encodeWeights, flatWeights, type NamedArray, sha256Hex } from './checkpoint.ts'
import type { TrainGrant, TrainResult } from './codec.ts'
import { compareVectors, normOf } from './compare.ts'
import { decompressInt8 } from './compress.ts'
import { parseTrainConfig, type TrainConfig } from './config.ts'
import { drawOffsets, splitOf } from './corpus.ts'
import { train } from './index.ts'
import { initialAdapters, loraLayout, mergeAdapters } from './lora.ts'
import { initialWeights, parameterLayout, trainFlops, view } from './model.ts'
import type { ShardOutput } from './shard-ref.ts'
import { createStepGuard, type StepEntry } from './step-guard.ts'
import { createTrainer, freshState, type TrainerState } from './trainer.ts'

const log = logger('tessera:train')

const CHECK = new URL('./check.ts', import.meta.url).href
export const OFFER_ID = 'train'

/**
 * Acceptance thresholds, against the validator's own recomputation. int8 transport alone gives a
 * relative L2 error of about 0.5% (compress.ts) and GPU-vs-CPU rounding about 1e-5
 * (model.browser.test.ts); 5% and cosine 0.995 leave a tenfold margin for honest work while a
 * gradient of other data, a stale version or scaled noise lands far outside (cosine well under 0.9).
 */
export const TOLERANCE = { relativeL2: 0.05, cosine: 0.995, lossRelative: 1e-3, lossAbsolute: 1e-3 }
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
    const config = parseTrainConfig(context.config, context.configDir)
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
    work: (grant) => trainFlops(grant.model, grant.offsets.length * grant.model.context),
  },
}

/** A copy in shared memory, so worker threads read it without a copy of their own. */
function shared<T extends Float32Array | Uint8Array>(data: T): T {
  const Ctor = data.constructor as { new (b: SharedArrayBuffer): T }
  const out = new Ctor(new SharedArrayBuffer(data.byteLength))
  out.set(data as never)
  return out
}

interface Version {
  step: number
  sha: string
  weights: Float32Array
}

interface HistoryPoint {
  step: number
  heldOutLoss: number
  trainLoss: number | null
  at: number
}

async function createTrainSource(
  config: TrainConfig,
  context: SourceContext,
): Promise<WorkSource<TrainGrant, TrainResult>> {
  context.workers.preload(CHECK)
  const { model } = config
  const layout = parameterLayout(model)
  const corpusSha = await context.blobs.addFile(config.corpus, config.corpusSha256)
  const corpus = shared(new Uint8Array(await readFile(config.corpus)))
  const split = splitOf(corpus.length)
  const initial =
    config.init != null
      ? flatWeights(await readFile(config.init), model)
      : initialWeights(model, context.seed)
  const { lora } = config
  // Fine-tuning with adapters: the initial model is the frozen base, served once; the adapters train.
  const base = lora != null ? shared(initial) : undefined
  const baseSha = lora != null ? await context.blobs.addFile(config.init!) : undefined
  const trained = lora != null ? loraLayout(model, lora) : layout
  const start = lora != null ? initialAdapters(model, lora, context.seed) : initial
  // The run's identity: another model, corpus, mode, starting point or adapter shape is another run.
  const fingerprint = sha256Hex(
    new TextEncoder().encode(
      JSON.stringify({
        model,
        mode: config.mode,
        corpusSha,
        start: sha256Hex(new Uint8Array(initial.buffer)),
        ...(lora != null ? { lora } : {}),
      }),
    ),
  ).slice(0, 8)
  const checkpointPath = join(context.stateDir, `run-${fingerprint}.tswt`)
  const restored = await loadCheckpoint(checkpointPath, trained.size)
  const trainer = createTrainer(config.optimizer, restored?.state ?? freshState(start))
  const history: HistoryPoint[] = restored?.history ?? []
  const versions = new Map<number, Version>()
  const canaries: Array<{ step: number; seed: number; output: ShardOutput }> = []
  const norms: number[] = []
  const counters = {
    verified: 0,
    recomputed: 0,
    canaries: 0,
    rejected: 0,
    stale: 0,
    outliers: 0,
    steps: 0,
    verifyMs: 0,
    checkpointFailures: 0,
    evaluationFailures: 0,
  }
  let trainLoss: number | null = null
  let evaluating: Promise<void> | undefined
  let canaryCount = 0
  const random = () => crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32
  const draw = context.draw ?? random
  const local = config.mode === 'local' ? config.local : undefined
  const shardFlops = trainFlops(model, config.sequences * model.context)
  const heldOutOffsets = drawOffsets(
    mixSeed(context.seed, 0x4e1d),
    config.evalSequences,
    split.heldOut,
    model.context,
  )

  function publish(state: TrainerState) {
    const weights = shared(state.weights)
    const tensors: NamedArray[] = trained.params.map((p) => ({
      name: p.name,
      shape: p.shape,
      data: view(weights, p),
    }))
    const sha = context.blobs.addBytes(
      encodeWeights({
        meta: { model, step: state.step, run: fingerprint, ...(lora != null ? { lora, base: baseSha } : {}) },
        tensors,
      }),
    )
    versions.set(state.step, { step: state.step, sha, weights })
    for (const [step, v] of versions) {
      if (step < state.step - config.maxStaleness) {
        versions.delete(step)
        context.blobs.remove(v.sha)
      }
    }
    while (canaries.length > 0 && canaries[0].step < state.step) canaries.shift()
  }
  publish(trainer.state)

  // One evaluation at a time; a version asked for meanwhile is evaluated next (the latest one wins).
  let wanted: Version | undefined
  function evaluate(version: Version) {
    wanted = version
    if (evaluating != null) return
    evaluating = (async () => {
      while (wanted != null) {
        const v = wanted
        wanted = undefined
        const weights = lora != null ? shared(mergeAdapters(model, lora, base!, v.weights)) : v.weights
        try {
          const loss = await context.workers.run<number>({
            module: CHECK,
            fn: 'heldOutLoss',
            args: [model, weights, corpus, heldOutOffsets, config.microBatch],
          })
          history.push({ step: v.step, heldOutLoss: loss, trainLoss, at: Date.now() })
        } catch (err) {
          // A gap in the curve, nothing else; but said, and counted in the run's status.
          counters.evaluationFailures++
          log.error('held-out evaluation of step %d failed: %e', v.step, err)
        }
      }
    })().finally(() => {
      evaluating = undefined
    })
  }
  if (history.length === 0) evaluate(versions.get(trainer.state.step)!)

  async function checkpoint() {
    const s = trainer.state
    const bytes = encodeWeights({
      meta: { model, step: s.step, run: fingerprint, history },
      tensors: [
        { name: 'weights', shape: [s.weights.length], data: s.weights },
        { name: 'm', shape: [s.m.length], data: s.m },
        { name: 'v', shape: [s.v.length], data: s.v },
      ],
    })
    // Written beside and renamed: a crash mid-write leaves the previous checkpoint whole.
    await writeFile(`${checkpointPath}.tmp`, bytes)
    await rename(`${checkpointPath}.tmp`, checkpointPath)
  }
  // A failed write is told and shown (`checkpointError` in the run's status), and the next save tries
  // again; the last one, on stop, makes stopping fail with it.
  let saving: Promise<void> = Promise.resolve()
  let checkpointError: string | null = null
  const save = () => {
    saving = saving.then(checkpoint).then(
      () => {
        checkpointError = null
      },
      (err) => {
        counters.checkpointFailures++
        checkpointError = `${(err as Error).message}`
        log.error('writing the checkpoint %s failed: %e', checkpointPath, err)
      },
    )
    return saving
  }

  const shardId = (step: number, seed: number, canary?: number) =>
    `train.${fingerprint}.${step}.${seed}${canary != null ? `.c${canary}` : ''}`

  function shardOf(step: number, seed: number, canary?: number): Shard<TrainGrant> | undefined {
    const version = versions.get(step)
    if (version == null) return undefined
    return {
      shardId: shardId(step, seed, canary),
      offerId: OFFER_ID,
      // Copies of one batch (a canary and its original) go to different contributors.
      group: `train.${fingerprint}.${step}.${seed}`,
      flops: shardFlops,
      grant: {
        weights: version.sha,
        step,
        model,
        corpus: corpusSha,
        offsets: drawOffsets(seed, config.sequences, split.train, model.context),
        microBatch: config.microBatch,
        seed,
        local,
        block: config.block,
        ...(lora != null ? { lora: { base: baseSha!, ...lora } } : {}),
      },
    }
  }

  const done = () => config.maxSteps > 0 && trainer.state.step >= config.maxSteps

  async function recompute(grant: TrainGrant): Promise<ShardOutput> {
    const version = versions.get(grant.step)!
    counters.recomputed++
    return context.workers.run<ShardOutput>({
      module: CHECK,
      fn: 'recomputeShard',
      args: [
        { model, offsets: grant.offsets, microBatch: grant.microBatch, local: grant.local, lora },
        version.weights,
        corpus,
        base,
      ],
    })
  }

  function judge(got: { loss: number; vector: Float32Array }, want: ShardOutput): Verdict | undefined {
    const cmp = compareVectors(got.vector, want.vector)
    const lossOff = Math.abs(got.loss - want.loss)
    if (lossOff > TOLERANCE.lossAbsolute + TOLERANCE.lossRelative * Math.abs(want.loss)) {
      return {
        ok: false,
        reason: 'verification-failed',
        message: `loss ${got.loss} where the reference gives ${want.loss}`,
      }
    }
    if (!(cmp.relativeL2 <= TOLERANCE.relativeL2) || !(cmp.cosine >= TOLERANCE.cosine)) {
      return {
        ok: false,
        reason: 'verification-failed',
        message: `result is off the reference: relative L2 error ${cmp.relativeL2.toFixed(4)}, cosine ${cmp.cosine.toFixed(4)}`,
      }
    }
    return undefined
  }

  type Tag = { peer: string; shardId: string; grant: TrainGrant; loss: number }
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
    publish(trainer.state)
    const step = trainer.state.step
    if (step % config.evalEvery === 0 || done()) evaluate(versions.get(step)!)
    if (step % config.checkpointEvery === 0 || done()) void save()
  }

  function medianNorm(): number | undefined {
    if (norms.length < 8) return undefined
    const sorted = [...norms].sort((a, b) => a - b)
    return sorted[sorted.length >> 1]
  }

  return {
    offers: () =>
      done()
        ? []
        : [
            {
              offerId: OFFER_ID,
              blobs: [corpusSha],
              minFlops: shardFlops,
              maxFlops: shardFlops,
              notes: {
                run: fingerprint,
                mode: config.mode,
                weights: versions.get(trainer.state.step)!.sha,
                step: String(trainer.state.step),
                ...(history.length > 0
                  ? { heldOutLoss: history[history.length - 1].heldOutLoss.toFixed(4) }
                  : {}),
              },
            },
          ],
    next(offerId) {
      if (offerId !== OFFER_ID || done()) return undefined
      const canary = canaries.find((c) => c.step === trainer.state.step)
      if (canary != null && random() < config.canaryFraction) {
        return shardOf(canary.step, canary.seed, ++canaryCount)
      }
      return shardOf(trainer.state.step, Math.floor(draw() * 2 ** 32) >>> 0)
    },
    restore(id) {
      const m = /^train\.([0-9a-f]{8})\.(\d+)\.(\d+)(?:\.c(\d+))?$/.exec(id)
      if (m == null || m[1] !== fingerprint) return undefined
      return shardOf(Number(m[2]), Number(m[3]), m[4] != null ? Number(m[4]) : undefined)
    },
    async verify(shard, result, { peer, suspect, audit }) {
      const { grant } = shard
      const started = performance.now()
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
      const staleness = trainer.state.step - grant.step
      if (staleness > config.maxStaleness || !versions.has(grant.step)) {
        counters.stale++
        return {
          ok: false,
          reason: 'stale',
          message: `computed on step ${grant.step}; the model is at ${trainer.state.step}`,
        }
      }
      const vector = decompressInt8(result.vector)
      const got = { loss: result.loss, vector }
      const norm = normOf(vector)
      const canaryMark = /\.c\d+$/.test(shard.shardId)
        ? canaries.find((c) => c.step === grant.step && c.seed === grant.seed)
        : undefined
      const median = medianNorm()
      const outlier = median != null && (norm > OUTLIER_FACTOR * median || norm < median / OUTLIER_FACTOR)
      let verdict: Verdict | undefined
      let reference: ShardOutput | undefined
      if (canaryMark != null) {
        counters.canaries++
        verdict = judge(got, canaryMark.output)
      } else if (suspect || audit || outlier || random() < config.verifyFraction) {
        reference = await recompute(grant)
        verdict = judge(got, reference)
      }
      counters.verifyMs += performance.now() - started
      if (verdict != null) {
        counters.rejected++
        return verdict
      }
      counters.verified++
      const quality = trainer.discount(grant.step)
      if (reference != null && grant.step === trainer.state.step) {
        canaries.push({ step: grant.step, seed: grant.seed, output: reference })
        if (canaries.length > 8) canaries.shift()
      }
      // A canary repeats data already in this step: credit it, do not count it twice.
      if (canaryMark != null) return { ok: true, quality, detail: 'canary matched' }
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
      guard.add({ vector, fromStep: grant.step, checked: reference != null, tag })
      return { ok: true, quality, detail: reference != null ? 'recomputed' : 'form checked, not sampled' }
    },
    stats: () => ({
      ...counters,
      step: trainer.state.step,
      pending: guard.pending(),
      astray: guard.astray,
      weights: versions.get(trainer.state.step)!.sha,
      run: fingerprint,
      mode: config.mode,
      model: JSON.stringify(model),
      trainedParameters: trained.size,
      lora: lora != null ? `rank ${lora.rank}, alpha ${lora.alpha}` : null,
      trainLoss,
      heldOutLoss: history.length > 0 ? history[history.length - 1].heldOutLoss : null,
      history: JSON.stringify(history.slice(-200)),
      checkpointError,
    }),
    async close() {
      await guard.idle()
      await evaluating
      await save()
      if (checkpointError != null) {
        throw new CheckpointError(`the run's last checkpoint was not written: ${checkpointError}`)
      }
    },
  }
}

/** A training run's checkpoint cannot be read or written. */
export class CheckpointError extends Error {
  static override name = 'CheckpointError'
  override name = 'CheckpointError'
}

async function loadCheckpoint(
  path: string,
  size: number,
): Promise<{ state: TrainerState; history: HistoryPoint[] } | undefined> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    // Unreadable is not absent: starting the run again from step 0 would throw its progress away.
    throw new CheckpointError(`cannot read the run's checkpoint ${path}: ${(err as Error).message}`)
  }
  const file = decodeWeights(bytes)
  const get = (name: string) => {
    const t = file.tensors.find((x) => x.name === name)
    if (t == null || t.data.length !== size)
      throw new RangeError(`${path}: ${name} is missing or of another size`)
    return t.data.slice()
  }
  const step = file.meta.step
  if (typeof step !== 'number') throw new RangeError(`${path}: no step`)
  return {
    state: { step, weights: get('weights'), m: get('m'), v: get('v') },
    history: Array.isArray(file.meta.history) ? (file.meta.history as HistoryPoint[]) : [],
  }
}
