/**
 * `infer` shards: batches of a subnet owner's ONNX models, made from the input generators of the
 * subnet config, verified by recomputing a sample (every canary, every result of a suspect, and
 * `sampleRate` of the rest) with onnxruntime-node. Results that were not recomputed earn credit at
 * UNVERIFIED_QUALITY: partially verified work earns less.
 *
 * With `redundancy` n > 1 each batch is offered n times, to distinct contributors (the scheduler sees
 * to that). A copy that agrees within tolerance with an earlier copy is verified by that agreement; a
 * copy that disagrees is settled by recomputation, and whichever side was wrong gets the strike, even
 * if its receipt was already issued (`onLateFailure`).
 */
import { readFile } from 'node:fs/promises'
import type { NamedTensor } from '../../protocol/types.ts'
import { compareAll, compareOutputs } from '../../work/infer/tolerance.ts'
import { decodeWav } from '../../work/infer/wav.ts'
import { createPrng, mixSeed } from '../../work/prng.ts'
import type { Ledger } from '../ledger.ts'
import type { OnnxVerifier } from '../onnx-verifier.ts'
import type { InputSpec, ModelSpec } from '../subnet-config.ts'
import type { WorkItem, WorkSource } from './source.ts'

export const UNVERIFIED_QUALITY = 0.9

export interface InferSourceOptions {
  models: ModelSpec[]
  verifier: OnnxVerifier
  ledger: Pick<Ledger, 'getMeta' | 'setMeta'>
  seed: number
  canaryRate?: number
  /** Copies of each batch, to distinct contributors; 1 (default) turns redundancy off. */
  redundancy?: number
  /** A copy outvoted after it was credited: the validator records a strike against its peer. */
  onLateFailure?: (peer: string, offerId: string, message: string) => void
  random?: () => number
}

type Generator = (counter: number) => NamedTensor

async function generator(model: ModelSpec, spec: InputSpec, seed: number): Promise<Generator> {
  const size = spec.shape.reduce((a, b) => a * b, 1)
  const dtype = spec.dtype ?? 'float32'
  const make = (values: ArrayLike<number>): NamedTensor => ({
    name: spec.name,
    dtype,
    shape: spec.shape,
    data:
      dtype === 'int64'
        ? BigInt64Array.from(Array.from(values), (v) => BigInt(Math.round(v)))
        : Float32Array.from(values),
  })
  const g = spec.generate
  if ('fill' in g) return () => make(new Float32Array(size).fill(g.fill))
  if ('values' in g) {
    if (g.values.length !== size)
      throw new RangeError(`${model.name}.${spec.name}: ${g.values.length} values for ${size} elements`)
    return () => make(g.values)
  }
  if ('uniform' in g) {
    const [lo, hi] = g.uniform
    return (counter) => {
      const random = createPrng(mixSeed(seed, counter, spec.name.length))
      return make(Float32Array.from({ length: size }, () => lo + (hi - lo) * random()))
    }
  }
  const { samples } = decodeWav(new Uint8Array(await readFile(g.wavFrames)))
  const frames = Math.max(1, Math.floor(samples.length / size))
  return (counter) => {
    const start = (counter % frames) * size
    return make(samples.subarray(start, start + size))
  }
}

export async function createInferSource(options: InferSourceOptions): Promise<WorkSource> {
  const { ledger, verifier } = options
  const canaryRate = options.canaryRate ?? 0.1
  const random = options.random ?? Math.random
  const models = await Promise.all(
    options.models.map(async (model, index) => ({
      model,
      index,
      inputs: await Promise.all(
        model.inputs.map((spec) => generator(model, spec, mixSeed(options.seed, index))),
      ),
    })),
  )
  const redundancy = options.redundancy ?? 1
  const canaries = new Set<string>()
  const pending: WorkItem[] = []
  const copies = new Map<
    string,
    Array<{ offerId: string; peer: string; outputs: Record<string, Float32Array> }>
  >()
  let turn = 0

  const floats = (outputs: NamedTensor[]) =>
    Object.fromEntries(
      outputs.filter((t) => t.dtype === 'float32').map((t) => [t.name, t.data as Float32Array]),
    )
  const agree = (a: Record<string, Float32Array>, b: Record<string, Float32Array>) =>
    Object.keys(b).length === Object.keys(a).length &&
    Object.entries(b).every(([name, want]) => a[name] != null && compareOutputs(a[name], want).ok)

  return {
    kind: 'infer',
    next(): WorkItem {
      const queued = pending.shift()
      if (queued != null) return queued
      const { model, index, inputs } = models[turn++ % models.length]
      const key = `infer_cursor_${model.sha256.slice(0, 16)}`
      const counter = Number(ledger.getMeta(key) ?? 0)
      ledger.setMeta(key, String(counter + 1))
      const base = `m${index}.${model.sha256.slice(0, 8)}.${counter}`
      // Decided at creation, never announced: a canary's offer looks like any other.
      if (random() < canaryRate) canaries.add(base)
      const work = {
        kind: 'infer' as const,
        model: model.sha256,
        inputs: inputs.map((make) => make(counter)),
      }
      const item = (offerId: string, group?: string): WorkItem => ({
        offerId,
        kind: 'infer',
        flops: model.flopsPerShard,
        m: 1,
        n: 1,
        k: 1,
        model: model.sha256,
        ...(group != null ? { group } : {}),
        work,
      })
      if (redundancy <= 1) return item(base)
      for (let r = 1; r < redundancy; r++) pending.push(item(`${base}.r${r}`, base))
      return item(`${base}.r0`, base)
    },
    async verify(item, output, { peer, suspect }) {
      if (item.work.kind !== 'infer' || output.kind !== 'infer') {
        return { ok: false, reason: 'wrong-shape', message: 'this lease is for infer work' }
      }
      for (const t of output.outputs) {
        if (t.dtype === 'float32' && !(t.data as Float32Array).every(Number.isFinite)) {
          return { ok: false, reason: 'non-finite', message: `output ${t.name} holds NaN or Inf` }
        }
      }
      const group = item.group
      const canary = canaries.has(group ?? item.offerId)
      if (group == null) canaries.delete(item.offerId)
      const claimed = floats(output.outputs)
      const inputs = item.work.inputs.map((t) => ({ name: t.name, dims: t.shape, data: t.data }))
      const earlier = group == null ? [] : (copies.get(group) ?? [])
      const remember = () => {
        if (group == null) return
        earlier.push({ offerId: item.offerId, peer, outputs: claimed })
        if (earlier.length >= redundancy) {
          copies.delete(group)
          canaries.delete(group)
        } else copies.set(group, earlier)
      }
      if (!canary && !suspect) {
        if (earlier.some((e) => agree(claimed, e.outputs))) {
          remember()
          return { ok: true, quality: 1, detail: 'agrees with an independent copy' }
        }
        if (earlier.length === 0 && !verifier.shouldRecompute(false)) {
          remember()
          return { ok: true, quality: UNVERIFIED_QUALITY, detail: 'not sampled' }
        }
      }
      // Recompute: sampled, canary, suspect, or copies that disagree.
      const truth = await verifier.recompute(item.work.model, inputs)
      const comparison = compareAll(claimed, truth)
      // Copies that the recomputation shows wrong get their strike once and stop counting as votes.
      for (const e of [...earlier]) {
        if (compareAll(e.outputs, truth).ok) continue
        earlier.splice(earlier.indexOf(e), 1)
        options.onLateFailure?.(e.peer, e.offerId, 'its copy of the batch disagreed with the recomputation')
      }
      if (comparison.ok) remember()
      return comparison.ok
        ? {
            ok: true,
            quality: 1,
            detail: `recomputed${canary ? ' (canary)' : ''}, ratio ${comparison.worstRatio.toFixed(3)}`,
          }
        : {
            ok: false,
            reason: 'verification-failed',
            message: `recomputed outputs differ (element ${comparison.index}: ${comparison.worstRatio.toFixed(1)}x the tolerance)`,
          }
    },
  }
}
