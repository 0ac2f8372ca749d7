/**
 * What the train source makes of one result before it may enter a step: its form always (shape,
 * finite, a version still served), then a comparison with a canary's known answer, or a recomputation
 * on the CPU reference when the sampling policy (../sampling.ts), an outlier norm or the audit says
 * so. Recomputed answers of the current step become that step's canaries.
 */
import type { Shard, TaskRunner, Verdict, VerifyContext } from '../kind.ts'
import { mustRecompute } from '../sampling.ts'
import type { TrainGrant, TrainResult } from './codec.ts'
import { normOf } from './compare.ts'
import { decompressInt8 } from './compress.ts'
import type { TrainConfig } from './config.ts'
import { judge } from './judge.ts'
import type { Run } from './run.ts'
import type { ShardOutput } from './shard-ref.ts'
import type { VersionStore } from './versions.ts'

export const CHECK = new URL('./check.ts', import.meta.url).href

/** Norms compared against the median of this many recent accepted results. */
const NORM_WINDOW = 32
/** Verified norms before the outlier rule applies. */
const MIN_NORMS = 8
/** A norm this many times the window's median, or this fraction of it, is recomputed. */
const OUTLIER_FACTOR = 4
/** Canaries kept for the current step: answers recomputed earlier, to compare a repeat with. */
const MAX_CANARIES = 8

export interface TrainVerifierOptions {
  config: TrainConfig
  run: Run
  versions: VersionStore
  workers: TaskRunner
  /** The model's current step. */
  step(): number
}

export type Checked =
  | { ok: false; verdict: Extract<Verdict, { ok: false }> }
  | { ok: true; vector: Float32Array; norm: number; outlier: boolean; canary: boolean; recomputed: boolean }

export interface TrainVerifier {
  check(
    shard: Shard<TrainGrant>,
    result: TrainResult,
    verifying: Pick<VerifyContext, 'suspect' | 'audit'>,
  ): Promise<Checked>
  /** The reference's answer for a grant (a worker thread runs it). */
  recompute(grant: TrainGrant): Promise<ShardOutput>
  /** A verified result's norm joins the window the outlier rule compares with. */
  accepted(checked: Extract<Checked, { ok: true }>): void
  /** A canary of the current step to hand out again, if one is known. */
  canary(): { step: number; seed: number } | undefined
  /** A new version was published: canaries of older steps are no use. */
  published(step: number): void
  readonly counters: {
    verified: number
    recomputed: number
    canaries: number
    rejected: number
    stale: number
    outliers: number
    verifyMs: number
  }
}

export function createTrainVerifier(options: TrainVerifierOptions): TrainVerifier {
  const { config, run, versions, workers } = options
  const { model } = config
  const counters = {
    verified: 0,
    recomputed: 0,
    canaries: 0,
    rejected: 0,
    stale: 0,
    outliers: 0,
    verifyMs: 0,
  }
  const canaries: Array<{ step: number; seed: number; output: ShardOutput }> = []
  const norms: number[] = []

  async function recompute(grant: TrainGrant): Promise<ShardOutput> {
    counters.recomputed++
    const { offsets, microBatch, local } = grant
    return workers.run<ShardOutput>({
      module: CHECK,
      fn: 'recomputeShard',
      args: [
        { model, offsets, microBatch, local, lora: run.lora },
        versions.get(grant.step)!.weights,
        run.corpus,
        run.base,
      ],
    })
  }

  /** What every result must be, sampled or not: its shape, finite, and of a version still used. */
  function formOf(grant: TrainGrant, result: TrainResult): Extract<Verdict, { ok: false }> | undefined {
    if (result.vector.length !== run.trained.size || result.vector.block !== grant.block) {
      return {
        ok: false,
        reason: 'wrong-shape',
        message: `${result.vector.length} values in blocks of ${result.vector.block}; it should be ${run.trained.size}, blocks of ${grant.block}`,
      }
    }
    if (!Number.isFinite(result.loss) || !result.vector.scales.every(Number.isFinite)) {
      return { ok: false, reason: 'non-finite', message: 'the loss or a block scale is not finite' }
    }
    if (options.step() - grant.step > config.maxStaleness || !versions.has(grant.step)) {
      counters.stale++
      const message = `computed on step ${grant.step}; the model is at ${options.step()}`
      return { ok: false, reason: 'stale', message }
    }
    return undefined
  }

  function isOutlier(norm: number): boolean {
    if (norms.length < MIN_NORMS) return false
    const middle = [...norms].sort((a, b) => a - b)[norms.length >> 1]
    return norm > OUTLIER_FACTOR * middle || norm < middle / OUTLIER_FACTOR
  }

  /** A canary's answer or a recomputation, when something calls for one; the verdict, if any. */
  async function compare(
    shard: Shard<TrainGrant>,
    got: { loss: number; vector: Float32Array },
    verifying: Pick<VerifyContext, 'suspect' | 'audit'>,
    outlier: boolean,
  ): Promise<{ canary: boolean; recomputed: boolean; verdict?: Extract<Verdict, { ok: false }> }> {
    const { grant } = shard
    const canary = /\.c\d+$/.test(shard.shardId)
      ? canaries.find((c) => c.step === grant.step && c.seed === grant.seed)
      : undefined
    if (canary != null) {
      counters.canaries++
      return { canary: true, recomputed: false, verdict: judge(got, canary.output) }
    }
    if (!mustRecompute(verifying, [outlier], config.verifyFraction))
      return { canary: false, recomputed: false }
    const reference = await recompute(grant)
    if (grant.step === options.step()) {
      canaries.push({ step: grant.step, seed: grant.seed, output: reference })
      if (canaries.length > MAX_CANARIES) canaries.shift()
    }
    return { canary: false, recomputed: true, verdict: judge(got, reference) }
  }

  return {
    counters,
    recompute,
    async check(shard, result, verifying) {
      const started = performance.now()
      const form = formOf(shard.grant, result)
      if (form != null) return { ok: false, verdict: form }
      const vector = decompressInt8(result.vector)
      const norm = normOf(vector)
      const outlier = isOutlier(norm)
      const { canary, recomputed, verdict } = await compare(
        shard,
        { loss: result.loss, vector },
        verifying,
        outlier,
      )
      counters.verifyMs += performance.now() - started
      if (verdict != null) {
        counters.rejected++
        return { ok: false, verdict }
      }
      counters.verified++
      return { ok: true, vector, norm, outlier, canary, recomputed }
    },
    accepted({ norm, outlier }) {
      // An outlier that survived recomputation is honest work: the window follows the run however its
      // gradients grow or shrink (one that never took outliers in froze a run).
      if (outlier) counters.outliers++
      norms.push(norm)
      if (norms.length > NORM_WINDOW) norms.shift()
    },
    canary: () => canaries.find((c) => c.step === options.step()),
    published(step) {
      while (canaries.length > 0 && canaries[0].step < step) canaries.shift()
    },
  }
}
