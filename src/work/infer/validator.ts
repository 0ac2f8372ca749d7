/**
 * The validator half of `infer`: shards of batches of the subnet owner's models (from the `infer`
 * section of the subnet config), sized to each lease, verified by recomputing a sample on the CPU
 * with onnxruntime-node (every canary, every shard of a suspect or picked by the validator's audit,
 * and `sampleRate` of the rest).
 * Every result, sampled or not, must have the model's output names, types and shapes and finite
 * values; results that were not recomputed earn UNVERIFIED_QUALITY.
 *
 * With `redundancy` n > 1 each shard is offered n times, to distinct contributors (the scheduler
 * sees to that). A copy that agrees within tolerance with an earlier copy is verified by that
 * agreement; a copy that disagrees is settled by recomputation, and whichever side was wrong gets a
 * strike, even if its receipt was already issued.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { concat } from 'uint8arrays/concat'
import type { NamedTensor, Shard, SourceContext, ValidatorKind, Verdict, WorkSource } from '../kind.ts'
import { createPrng, mixSeed } from '../prng.ts'
import { mustRecompute, secretRandom } from '../sampling.ts'
import { type InferGrant, type InferResult, MAX_ELEMENTS } from './codec.ts'
import { type InferConfig, type InputSpec, type ModelSpec, parseInferConfig } from './config.ts'
import { gemmFlops } from './gemm-flops.ts'
import { infer } from './index.ts'
import { createPooledOnnx } from './onnx-task.ts'
import { compareAll } from './tolerance.ts'
import { decodeWav } from './wav.ts'

/** Credit factor of a result that was checked for shape but not recomputed. */
export const UNVERIFIED_QUALITY = 0.9

type Generator = (counter: number) => NamedTensor
type Outputs = Record<string, Float32Array>

async function generator(model: ModelSpec, spec: InputSpec, seed: number): Promise<Generator> {
  const size = spec.shape.reduce((a, b) => a * b, 1)
  const make = (values: ArrayLike<number>): NamedTensor => ({
    name: spec.name,
    dtype: spec.dtype,
    shape: spec.shape,
    data:
      spec.dtype === 'int64'
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
  if ('textBytes' in g) {
    const bytes = new Uint8Array(await readFile(g.textBytes))
    if (bytes.length < size)
      throw new RangeError(`${model.name}.${spec.name}: ${g.textBytes} is shorter than one input`)
    const windows = Math.max(1, Math.floor(bytes.length / size))
    return (counter) => {
      const start = (counter % windows) * size
      return make(Float32Array.from(bytes.subarray(start, start + size)))
    }
  }
  const { samples } = decodeWav(new Uint8Array(await readFile(g.wavFrames)))
  const frames = Math.max(1, Math.floor(samples.length / size))
  return (counter) => {
    const start = (counter % frames) * size
    return make(samples.subarray(start, start + size))
  }
}

/** What a model's outputs look like, learned from its first recomputation. */
interface Signature {
  outputs: Array<{ name: string; dtype: string; shape: string }>
}

const signatureOf = (outputs: NamedTensor[]): Signature => ({
  outputs: outputs
    .map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape.join('x') }))
    .sort((a, b) => a.name.localeCompare(b.name)),
})

const floats = (outputs: NamedTensor[]): Outputs =>
  Object.fromEntries(
    outputs.filter((t) => t.dtype === 'float32').map((t) => [t.name, t.data as Float32Array]),
  )

export const inferValidator: ValidatorKind<InferGrant, InferResult> = {
  ...infer,
  async createSource(context) {
    const config = parseInferConfig(context.config, context.configDir)
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

/**
 * Which batches are canaries (recomputed in full, never announced): a keyed hash of the batch's id
 * under a secret kept in the kind's state dir, so the mark survives a restart and needs no memory
 * per shard, and no contributor can tell a canary from its id.
 */
async function canaries(stateDir: string, rate: number): Promise<(base: string) => boolean> {
  const path = join(stateDir, 'canary.key')
  let key: Uint8Array
  try {
    key = new Uint8Array(await readFile(path))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    key = crypto.getRandomValues(new Uint8Array(32))
    await writeFile(path, key, { mode: 0o600 })
  }
  return (base) => {
    const digest = sha256(concat([key, new TextEncoder().encode(base)]))
    return new DataView(digest.buffer, digest.byteOffset).getUint32(0) / 2 ** 32 < rate
  }
}

async function createInferSource(
  config: InferConfig,
  context: SourceContext,
): Promise<WorkSource<InferGrant, InferResult>> {
  const onnx = createPooledOnnx(context.workers)
  const models = await Promise.all(
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
  type Entry = (typeof models)[number]
  const byOffer = new Map(models.map((m) => [m.offerId, m]))
  const byShort = new Map(models.map((m) => [m.short, m]))
  const signatures = new Map<string, Signature>()
  const isCanary = await canaries(context.stateDir, config.canaryRate)
  const pending = new Map<string, Shard<InferGrant>[]>()
  const copies = new Map<string, Array<{ shardId: string; peer: string; outputs: Outputs[] }>>()

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

  const recompute = async (entry: Entry, inputs: NamedTensor[]) => {
    const outputs = await onnx.run(entry.model.sha256, () => entry.bytes, inputs)
    if (!signatures.has(entry.model.sha256)) signatures.set(entry.model.sha256, signatureOf(outputs))
    return floats(outputs)
  }

  /** Output names, types, shapes and finiteness: checked on every result. */
  const checkForm = (entry: Entry, grant: InferGrant, result: InferResult): Verdict | undefined => {
    if (result.batches.length !== grant.batches.length) {
      return {
        ok: false,
        reason: 'wrong-shape',
        message: `${result.batches.length} batches for ${grant.batches.length}`,
      }
    }
    const want = signatures.get(entry.model.sha256)
    for (const [b, outputs] of result.batches.entries()) {
      for (const t of outputs) {
        if (t.dtype === 'float32' && !(t.data as Float32Array).every(Number.isFinite)) {
          return { ok: false, reason: 'non-finite', message: `batch ${b}: output ${t.name} holds NaN or Inf` }
        }
      }
      if (want != null && JSON.stringify(signatureOf(outputs)) !== JSON.stringify(want)) {
        return {
          ok: false,
          reason: 'wrong-shape',
          message: `batch ${b}: outputs are not the model's (${want.outputs.map((o) => `${o.name} ${o.dtype}[${o.shape}]`).join(', ')})`,
        }
      }
    }
    return undefined
  }

  return {
    offers: () =>
      models.map((m) => ({
        offerId: m.offerId,
        blobs: [m.model.sha256],
        minFlops: m.model.flopsPerBatch,
        maxFlops: m.model.flopsPerBatch * m.maxBatches,
      })),

    next(offerId, flops) {
      const entry = byOffer.get(offerId)
      if (entry == null) return undefined
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
      const match = /^m([0-9a-f]{8})\.(\d+)\.(\d+)(?:\.r(\d))?$/.exec(shardId)
      const entry = match == null ? undefined : byShort.get(match[1])
      if (match == null || entry == null) return undefined
      const [first, count] = [Number(match[2]), Number(match[3])]
      if (!Number.isSafeInteger(first) || count < 1 || count > entry.maxBatches) return undefined
      const base = `m${entry.short}.${first}.${count}`
      return shardOf(
        entry,
        base,
        grantOf(entry, first, count),
        match[4] == null ? undefined : Number(match[4]),
      )
    },

    async verify(shard, result, verifying) {
      const { peer } = verifying
      const entry = byOffer.get(shard.offerId)!
      const { grant } = shard
      const base = shard.group ?? shard.shardId
      // Before the model's first recomputation its outputs are unknown: the form is checked after it.
      const known = signatures.has(entry.model.sha256)
      const form = checkForm(entry, grant, result)
      if (form != null) return form
      const claimed = result.batches.map(floats)
      const earlier = shard.group == null ? [] : (copies.get(base) ?? [])
      const remember = () => {
        if (shard.group == null) return
        earlier.push({ shardId: shard.shardId, peer, outputs: claimed })
        if (earlier.length >= config.redundancy) copies.delete(base)
        else copies.set(base, earlier)
      }
      const agrees = (a: Outputs[], b: Outputs[]) =>
        a.every((outputs, i) => compareAll(outputs, b[i]).ok && compareAll(b[i], outputs).ok)

      const everything = mustRecompute(verifying, [isCanary(base), !known], 0)
      if (!everything) {
        if (earlier.some((e) => agrees(claimed, e.outputs))) {
          remember()
          return { ok: true, quality: 1, detail: 'agrees with an independent copy' }
        }
        if (earlier.length === 0 && !mustRecompute(verifying, [], config.sampleRate)) {
          remember()
          return { ok: true, quality: UNVERIFIED_QUALITY, detail: 'form checked, not sampled' }
        }
      }
      // Recompute every batch (canary, suspect, disagreeing copies) or one chosen at random (sampled).
      const which =
        everything || earlier.length > 0
          ? grant.batches.map((_, b) => b)
          : [Math.floor(secretRandom() * grant.batches.length)]
      const truth: Outputs[] = []
      for (const b of which) truth[b] = await recompute(entry, grant.batches[b])
      const formAfter = known ? undefined : checkForm(entry, grant, result)
      if (formAfter != null) return formAfter
      const wrong = (outputs: Outputs[]) => which.find((b) => !compareAll(outputs[b], truth[b]).ok)
      // Copies the recomputation shows wrong get their strike once and stop counting as votes.
      for (const e of [...earlier]) {
        if (wrong(e.outputs) == null) continue
        earlier.splice(earlier.indexOf(e), 1)
        context.strike(e.peer, e.shardId, 'its copy of the batch disagreed with the recomputation')
      }
      const bad = wrong(claimed)
      if (bad == null) {
        remember()
        const worst = Math.max(...which.map((b) => compareAll(claimed[b], truth[b]).worstRatio))
        return {
          ok: true,
          quality: 1,
          detail: `recomputed ${which.length} batch(es), ratio ${worst.toFixed(3)}`,
        }
      }
      const c = compareAll(claimed[bad], truth[bad])
      return {
        ok: false,
        reason: 'verification-failed',
        message: `recomputed outputs differ in batch ${bad} (element ${c.index}: ${c.worstRatio.toFixed(1)}x the tolerance)`,
      }
    },
  }
}
