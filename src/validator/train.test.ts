/**
 * The train kind over libp2p with Node contributors (CPU reference): two contributors train a small
 * model and its held-out loss falls; a contributor that sends made-up gradients is rejected and
 * does not move the model; the run resumes from its checkpoint after a restart.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createHarness,
  FINE_TUNE_GAIN,
  FINE_TUNE_TRAIN,
  REPO_ROOT,
  SMALL_TRAIN,
} from '../testing/test-support.ts'
import { CONTRIBUTOR_KINDS } from '../work/contributor-kinds.ts'
import type { AnyContributorKind } from '../work/kind.ts'
import { createOnnxEngine } from '../work/onnx-engine.ts'
import { createNodeOnnx } from '../work/onnx-node.ts'
import { trainContributor } from '../work/train/contributor.ts'
import { splitOf } from '../work/train/corpus.ts'
import { parameterLayout } from '../work/train/model.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

interface TrainStatus {
  step: number
  heldOutLoss: number | null
  history: Array<{ step: number; heldOutLoss: number }>
  rejected: number
  recomputed: number
}

const trainStatus = async (validator: { status(): Promise<unknown> }) =>
  ((await validator.status()) as { sources: { train: TrainStatus } }).sources.train

const until = (ok: () => Promise<boolean>) =>
  new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      ok().then(
        (done) => {
          if (!done) return
          clearInterval(timer)
          resolve()
        },
        (err) => {
          clearInterval(timer)
          reject(err)
        },
      )
    }, 50)
  })

describe('train work over libp2p', () => {
  it('two contributors train the model: held-out loss falls from ln 256 to below 3.5 nats per byte in 30 steps', async () => {
    const validator = await harness.startValidator({
      sections: { gemm: false, train: { ...SMALL_TRAIN, maxSteps: 30 } },
    })
    const [a, b] = await Promise.all([harness.contributorNode(validator), harness.contributorNode(validator)])
    let finished = false
    const runs = [a, b].map((node) => harness.contribute(node, () => finished, { lanes: 1 }))
    await until(async () => {
      const s = await trainStatus(validator)
      finished = s.step >= 30
      return finished && s.history.some((h: { step: number }) => h.step === 30)
    })
    const results = await Promise.all(runs)
    const status = await trainStatus(validator)
    const history = status.history as Array<{ step: number; heldOutLoss: number }>
    expect(history[0].step).toBe(0)
    expect(Math.abs(history[0].heldOutLoss - Math.log(256))).toBeLessThan(0.1)
    expect(history.at(-1)!.step).toBe(30)
    // ln 256 ≈ 5.55 at the start; 3.5 is near the bytes' unigram entropy (3.31): frequencies learned.
    expect(history.at(-1)!.heldOutLoss).toBeLessThan(3.5)
    expect(status.rejected).toBe(0)
    // Both contributors were credited.
    for (const { events } of results) expect(events.some((e) => e.type === 'accepted')).toBe(true)
  }, 120_000)

  it('refuses made-up gradients: the cheat is rejected and the model does not take them', async () => {
    const validator = await harness.startValidator({
      sections: { gemm: false, train: { ...SMALL_TRAIN, verifyFraction: 0 } },
      strikeLimit: 1,
    })
    const cheat: AnyContributorKind = {
      ...trainContributor,
      async execute(grant, context) {
        const honest = await trainContributor.execute(grant, context)
        // Plausible size and loss, wrong direction: a scaled, shuffled copy of the real gradient.
        const values = honest.vector.values.slice().reverse()
        return { loss: honest.loss, vector: { ...honest.vector, values } }
      },
    }
    const node = await harness.contributorNode(validator)
    const { events } = await harness.contribute(
      node,
      { type: 'rejected', count: 1 },
      {
        kinds: CONTRIBUTOR_KINDS.map((k) => (k.name === 'train' ? cheat : k)),
        lanes: 1,
      },
    )
    const rejection = events.find((e) => e.type === 'rejected')
    expect(rejection).toMatchObject({ rejection: { reason: 'verification-failed' } })
    expect(events.some((e) => e.type === 'accepted')).toBe(false)
    const status = await trainStatus(validator)
    expect(status.step).toBe(0)
    expect(status.rejected).toBeGreaterThan(0)
  }, 60_000)

  it('recomputes every gradient whose norm is an outlier: a cheat that inflates gradients is caught without sampling', async () => {
    const validator = await harness.startValidator({
      sections: { gemm: false, train: { ...SMALL_TRAIN, verifyFraction: 0, canaryFraction: 0 } },
      strikeLimit: 1,
      // No audit either: only the outlier rule sends a result to recomputation here.
      auditSamples: 0,
    })
    let honest = 12
    const inflating: AnyContributorKind = {
      ...trainContributor,
      async execute(grant, context) {
        const out = await trainContributor.execute(grant, context)
        // Honest long enough to be trusted (and to fill the norm window), then 20× the gradient.
        if (honest-- > 0) return out
        return { loss: out.loss, vector: { ...out.vector, scales: out.vector.scales.map((x) => x * 20) } }
      },
    }
    const node = await harness.contributorNode(validator)
    const { events } = await harness.contribute(
      node,
      { type: 'rejected', count: 1 },
      {
        kinds: CONTRIBUTOR_KINDS.map((k) => (k.name === 'train' ? inflating : k)),
        lanes: 1,
      },
    )
    expect(events.filter((e) => e.type === 'accepted')).toHaveLength(12)
    expect(events.find((e) => e.type === 'rejected')).toMatchObject({
      rejection: { reason: 'verification-failed' },
    })
    const status = (await validator.status()).sources.train as Record<string, number>
    // Only the outlier was recomputed.
    expect(status.recomputed).toBe(1)
    expect(status.step).toBe(6)
  }, 60_000)

  it('resumes from its checkpoint after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-train-'))
    try {
      const sections = { gemm: false, train: { ...SMALL_TRAIN, checkpointEvery: 3 } }
      const first = await harness.startValidator({ dataDir, sections })
      const node = await harness.contributorNode(first)
      let reached = false
      const run = harness.contribute(node, () => reached, { lanes: 1 })
      await until(async () => {
        reached = (await trainStatus(first)).step >= 4
        return reached
      })
      await run
      const before = await trainStatus(first)
      await first.stop()
      const second = await harness.startValidator({ dataDir, sections })
      const after = await trainStatus(second)
      expect(after.step).toBe(before.step)
      expect((after as unknown as { weights: string }).weights).toBe(
        (before as unknown as { weights: string }).weights,
      )
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)

  it('fine-tunes the shipped base model with LoRA on text it never saw: held-out loss falls, shards carry adapters only', async () => {
    // The text: tiny Shakespeare's held-out tail, which the base (models/train-base.safetensors) was not trained on.
    const dir = mkdtempSync(join(tmpdir(), 'tessera-finetune-'))
    const text = readFileSync(join(REPO_ROOT, 'corpora', 'tinyshakespeare.txt'))
    const tail = join(dir, 'tail.txt')
    writeFileSync(tail, text.subarray(splitOf(text.length).heldOut[0]))
    try {
      const validator = await harness.startValidator({
        sections: { gemm: false, train: { ...FINE_TUNE_TRAIN, corpus: tail } },
      })
      const nodes = await Promise.all([
        harness.contributorNode(validator),
        harness.contributorNode(validator),
      ])
      let finished = false
      const runs = nodes.map((node) =>
        harness.contribute(node, () => finished, {
          runtimes: { engine: createOnnxEngine(createNodeOnnx()) },
          lanes: 1,
        }),
      )
      await until(async () => {
        const s = await trainStatus(validator)
        finished = s.step >= FINE_TUNE_TRAIN.maxSteps
        return finished && s.history.some((h: { step: number }) => h.step === FINE_TUNE_TRAIN.maxSteps)
      })
      await Promise.all(runs)
      const status = await validator.status()
      const train = status.sources.train as unknown as TrainStatus & { trainedParameters: number }
      const history = train.history as Array<{ step: number; heldOutLoss: number }>
      const before = history[0].heldOutLoss
      const after = history.at(-1)!.heldOutLoss
      expect(before - after).toBeGreaterThan(FINE_TUNE_GAIN)
      // What travelled per shard: the adapters (int8 + scales), a fraction of the model's f32 weights.
      const model = parameterLayout({ vocab: 256, layers: 2, width: 64, heads: 4, context: 64 }).size
      const perShard = status.wire.resultBytes / status.ledger.accepted
      expect(perShard).toBeLessThan(train.trainedParameters * 1.1 + 1024)
      expect(train.trainedParameters).toBeLessThan(model / 4)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('serves the shipped base model, exported to ONNX, as infer work: next-byte logits verified by recomputation', async () => {
    const example = JSON.parse(readFileSync(join(REPO_ROOT, 'subnet.train.example.json'), 'utf8'))
    const validator = await harness.startValidator({
      sections: { gemm: false, infer: { ...example.kinds.infer, sampleRate: 1 } },
    })
    const node = await harness.contributorNode(validator)
    const { events } = await harness.contribute(node, { type: 'accepted', count: 3 })
    expect(events.some((e) => e.type === 'rejected')).toBe(false)
    const accepted = events.flatMap((e) => (e.type === 'accepted' ? [e.receipt.body] : []))
    expect(accepted.every((b) => b.offerId === 'infer.e85ff292')).toBe(true)
  }, 60_000)
})
