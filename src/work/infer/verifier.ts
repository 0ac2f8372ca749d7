/**
 * How an infer result is judged. Its form always (form.ts). Then, with `redundancy` n > 1, a copy
 * that agrees within tolerance with an earlier copy of its batch is verified by that agreement; a
 * copy that disagrees is settled by recomputation, and whichever side was wrong gets a strike, even
 * if its receipt was already issued. Without an agreeing copy, the sampling policy (../sampling.ts)
 * decides: every batch of a canary, a suspect's shard, an audited one or a model not yet seen is
 * recomputed with onnxruntime-node; `sampleRate` of the rest have one batch recomputed; the others
 * earn UNVERIFIED_QUALITY.
 */
import type { NamedTensor, Shard, Verdict, VerifyContext } from '../kind.ts'
import { mustRecompute, secretRandom } from '../sampling.ts'
import type { InferGrant, InferResult } from './codec.ts'
import type { InferConfig } from './config.ts'
import { floats, type OutputForms, type Outputs } from './form.ts'
import { compareAll } from './tolerance.ts'

/** Credit factor of a result that was checked for form but not recomputed. */
export const UNVERIFIED_QUALITY = 0.9

export interface InferVerifierOptions {
  config: Pick<InferConfig, 'redundancy' | 'sampleRate'>
  forms: OutputForms
  /** Whether a batch (its shard id without the copy number) is a canary (canaries.ts). */
  isCanary(base: string): boolean
  /** The model's outputs for one batch's inputs, computed here. */
  recompute(model: string, inputs: NamedTensor[]): Promise<NamedTensor[]>
  /** A copy accepted earlier proved wrong. */
  strike(peer: string, shardId: string, message: string): void
}

type Copy = { shardId: string; peer: string; outputs: Outputs[] }

const agrees = (a: Outputs[], b: Outputs[]) =>
  a.every((outputs, i) => compareAll(outputs, b[i]).ok && compareAll(b[i], outputs).ok)

export function createInferVerifier(options: InferVerifierOptions) {
  const { config, forms } = options
  /** Copies of a redundant batch seen so far, until all n have come in. */
  const copies = new Map<string, Copy[]>()
  /**
   * Batches of requesters' jobs: handed in (any verdict), recomputed here (the validator's share of a
   * job's compute), and taken on an established contributor's word.
   */
  const counters = { jobBatchesReceived: 0, jobBatchesRecomputed: 0, jobBatchesAdaptive: 0 }

  async function recompute(model: string, inputs: NamedTensor[]): Promise<Outputs> {
    const outputs = await options.recompute(model, inputs)
    forms.learn(model, outputs)
    return floats(outputs)
  }

  /** The batches recomputed, the copies they show wrong struck; the claim's verdict. */
  async function settle(
    shard: Shard<InferGrant>,
    result: InferResult,
    claimed: Outputs[],
    earlier: Copy[],
    which: number[],
  ): Promise<Verdict> {
    const { grant } = shard
    // Before the model's first recomputation its outputs are unknown: the form is checked after it.
    const known = forms.known(grant.model)
    const truth: Outputs[] = []
    for (const b of which) truth[b] = await recompute(grant.model, grant.batches[b])
    const formAfter = known ? undefined : forms.check(grant.model, grant, result)
    if (formAfter != null) return formAfter
    const wrong = (outputs: Outputs[]) => which.find((b) => !compareAll(outputs[b], truth[b]).ok)
    // Copies the recomputation shows wrong get their strike once and stop counting as votes.
    for (const e of [...earlier]) {
      if (wrong(e.outputs) == null) continue
      earlier.splice(earlier.indexOf(e), 1)
      options.strike(e.peer, e.shardId, 'its copy of the batch disagreed with the recomputation')
    }
    const bad = wrong(claimed)
    if (bad == null) {
      const worst = Math.max(...which.map((b) => compareAll(claimed[b], truth[b]).worstRatio))
      return {
        ok: true,
        quality: 1,
        detail: `recomputed ${which.length} batch(es), ratio ${worst.toFixed(3)}`,
      }
    }
    return differs(bad, claimed[bad], truth[bad])
  }

  return {
    counters,
    /** A job's shard (jobShard below). */
    verifyJob: (
      shard: Shard<InferGrant>,
      result: InferResult,
      how: 'recompute' | 'adaptive',
      deliver: JobDelivery,
    ): Promise<Verdict> =>
      verifyJobShard({ forms, recompute: options.recompute, counters }, shard, result, how, deliver),

    async verify(shard: Shard<InferGrant>, result: InferResult, verifying: VerifyContext): Promise<Verdict> {
      const { grant } = shard
      const base = shard.group ?? shard.shardId
      const form = forms.check(grant.model, grant, result)
      if (form != null) return form
      const claimed = result.batches.map(floats)
      const earlier = shard.group == null ? [] : (copies.get(base) ?? [])
      const remember = <V extends Verdict>(verdict: V): V => {
        if (shard.group == null || !verdict.ok) return verdict
        earlier.push({ shardId: shard.shardId, peer: verifying.peer, outputs: claimed })
        if (earlier.length >= config.redundancy) copies.delete(base)
        else copies.set(base, earlier)
        return verdict
      }
      const everything = mustRecompute(verifying, [options.isCanary(base), !forms.known(grant.model)], 0)
      if (!everything) {
        if (earlier.some((e) => agrees(claimed, e.outputs))) {
          return remember({ ok: true, quality: 1, detail: 'agrees with an independent copy' })
        }
        if (earlier.length === 0 && !mustRecompute(verifying, [], config.sampleRate)) {
          return remember({ ok: true, quality: UNVERIFIED_QUALITY, detail: 'form checked, not sampled' })
        }
      }
      // Every batch (canary, suspect, disagreeing copies) or one chosen at random (sampled).
      const which =
        everything || earlier.length > 0
          ? grant.batches.map((_, b) => b)
          : [Math.floor(secretRandom() * grant.batches.length)]
      return remember(await settle(shard, result, claimed, earlier, which))
    },
  }
}

type JobDelivery = (outputs: NamedTensor[][], verifiedBy: 'recompute' | 'adaptive') => Promise<void>

/**
 * A job's shard: its outputs are what a requester keeps. `recompute`: every batch is recomputed,
 * a claim that differs is refused, and the recomputation is what `deliver` keeps. `adaptive` (a
 * contributor with a long clean record, JobWork.plan): its form is checked and its outputs kept.
 */
async function verifyJobShard(
  {
    forms,
    recompute,
    counters,
  }: {
    forms: OutputForms
    recompute: InferVerifierOptions['recompute']
    counters: { jobBatchesReceived: number; jobBatchesRecomputed: number; jobBatchesAdaptive: number }
  },
  shard: Shard<InferGrant>,
  result: InferResult,
  how: 'recompute' | 'adaptive',
  deliver: JobDelivery,
): Promise<Verdict> {
  const { grant } = shard
  if (result.batches.length !== grant.batches.length) {
    const message = `${result.batches.length} batches for ${grant.batches.length}`
    return { ok: false, reason: 'wrong-shape', message }
  }
  counters.jobBatchesReceived += grant.batches.length
  // Before the model's first recomputation its outputs' form is unknown: that one is recomputed.
  if (how === 'adaptive' && forms.known(grant.model)) {
    const form = forms.check(grant.model, grant, result)
    if (form != null) return form
    counters.jobBatchesAdaptive += grant.batches.length
    await deliver(result.batches, 'adaptive')
    return { ok: true, quality: UNVERIFIED_QUALITY, detail: 'job shard: form checked (adaptive)' }
  }
  const truth: NamedTensor[][] = []
  for (const inputs of grant.batches) {
    const outputs = await recompute(grant.model, inputs)
    counters.jobBatchesRecomputed++
    forms.learn(grant.model, outputs)
    truth.push(outputs)
  }
  const form = forms.check(grant.model, grant, result)
  if (form != null) return form
  const claimed = result.batches.map(floats)
  const bad = truth.findIndex((outputs, b) => !compareAll(claimed[b], floats(outputs)).ok)
  if (bad >= 0) return differs(bad, claimed[bad], floats(truth[bad]))
  await deliver(truth, 'recompute')
  return { ok: true, quality: 1, detail: `job shard: all ${truth.length} batch(es) recomputed` }
}

/** The verdict on a batch whose claimed outputs are not the recomputed ones. */
function differs(batch: number, claimed: Outputs, truth: Outputs): Verdict {
  const c = compareAll(claimed, truth)
  const message = `recomputed outputs differ in batch ${batch} (element ${c.index}: ${c.worstRatio.toFixed(1)}x the tolerance)`
  return { ok: false, reason: 'verification-failed', message }
}
