import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ContributorEvent } from '../client/contributor.ts'
import { acceptedBodies, createHarness, REPO_ROOT } from '../testing/test-support.ts'
import type { NamedTensor } from '../work/kind.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

/** The example subnet config's infer section (the generated MLP and Silero VAD), every result recomputed. */
function inferSection(overrides: Record<string, unknown> = {}) {
  const example = JSON.parse(readFileSync(join(REPO_ROOT, 'subnet.example.json'), 'utf8'))
  return { ...example.kinds.infer, sampleRate: 1, ...overrides }
}

const MLP = '1bc90f27'
const SILERO = '2623a295'

describe('infer work over libp2p', () => {
  it('an honest contributor downloads both models once and earns receipts for both, verified by recompute', async () => {
    const validator = await harness.startValidator({ sections: { infer: inferSection() } })
    const node = await harness.contributorNode(validator)
    const { events } = await harness.contribute(node, (events) => {
      const offers = new Set(acceptedBodies(events).map((b) => b.offerId))
      return offers.has(`infer.${MLP}`) && offers.has(`infer.${SILERO}`) && offers.has('gemm')
    })
    expect(events.some((e) => e.type === 'rejected')).toBe(false)
    // Each model went over the wire once, whatever the number of shards.
    const status = await validator.status()
    const models = {
      '1bc90f2701a7da792f2202a6667d7653e22360d49b92d6c3818f351c6f4a79df': 'models/mlp-16x64x64x10.onnx',
      '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f':
        'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
    }
    for (const [sha, path] of Object.entries(models)) {
      expect(status.blobBytesByBlob[sha]).toBe(readFileSync(join(REPO_ROOT, path)).byteLength)
    }
    // A shard holds one or more batches; its declared cost is the model's cost per batch times that.
    for (const body of acceptedBodies(events).filter((b) => b.kind === 'infer')) {
      const perBatch = body.offerId === `infer.${MLP}` ? 737_280 : 2_000_000
      expect(body.flops % perBatch).toBe(0)
    }
  })

  it('a contributor that perturbs model outputs is rejected and never credited for them', async () => {
    const validator = await harness.startValidator({
      sections: { infer: inferSection(), gemm: false },
      strikeLimit: 2,
    })
    const node = await harness.contributorNode(validator)
    const tamper = (outputs: NamedTensor[]) =>
      outputs.map((t) => ({ ...t, data: (t.data as Float32Array).map((v) => v * 1.05 + 0.01) }))
    const banned = (events: ContributorEvent[]) =>
      events.some((e) => e.type === 'refused' && e.reason === 'banned')
    const { events } = await harness.contribute(node, banned, { tamper })
    const rejections = events.flatMap((e) => (e.type === 'rejected' ? [e.rejection] : []))
    expect(rejections.every((r) => r.reason === 'verification-failed' || r.reason === 'banned')).toBe(true)
    expect(acceptedBodies(events)).toHaveLength(0)
  })

  it('refuses to start with a model file that does not match its sha256, and closes what it opened', async () => {
    const section = inferSection()
    section.models = [{ ...section.models[0], sha256: '0'.repeat(64) }]
    await expect(harness.startValidator({ sections: { infer: section } })).rejects.toMatchObject({
      name: 'BlobDigestMismatchError',
    })
  })
})

describe('every infer result is checked for its form, sampled or not', () => {
  it('made-up outputs of the wrong shape, and NaN outputs, are rejected as strikes without sampling', async () => {
    const validator = await harness.startValidator({
      sections: { infer: inferSection({ sampleRate: 0, canaryRate: 0 }), gemm: false },
      strikeLimit: 3,
    })
    // The first result of each model is always recomputed: that is how the validator learns its outputs.
    const honest = await harness.contributorNode(validator)
    await harness.contribute(honest, (events) => {
      const offers = new Set(acceptedBodies(events).map((b) => b.offerId))
      return offers.has(`infer.${MLP}`) && offers.has(`infer.${SILERO}`)
    })
    let calls = 0
    const madeUp = (outputs: NamedTensor[]) =>
      outputs.map((t) => {
        calls++
        return calls % 2 === 0
          ? { ...t, shape: [1], data: Float32Array.of(0.5) }
          : { ...t, data: (t.data as Float32Array).map(() => Number.NaN) }
      })
    const liar = await harness.contributorNode(validator)
    const { events } = await harness.contribute(
      liar,
      (events) => events.some((e) => e.type === 'refused' && e.reason === 'banned'),
      { tamper: madeUp },
    )
    const reasons = new Set(events.flatMap((e) => (e.type === 'rejected' ? [e.rejection.reason] : [])))
    expect(acceptedBodies(events)).toHaveLength(0)
    expect([...reasons].every((r) => ['wrong-shape', 'non-finite', 'banned'].includes(r))).toBe(true)
    expect(events.some((e) => e.type === 'refused' && e.reason === 'banned')).toBe(true)
  })
})

describe('redundant infer work', () => {
  it('gives copies of a batch to distinct contributors and verifies them by agreement', async () => {
    const validator = await harness.startValidator({
      sections: { infer: inferSection({ sampleRate: 0, canaryRate: 0, redundancy: 2 }), gemm: false },
    })
    const [a, b] = [await harness.contributorNode(validator), await harness.contributorNode(validator)]
    const [ea, eb] = await Promise.all([
      harness.contribute(a, { type: 'accepted', count: 12 }),
      harness.contribute(b, { type: 'accepted', count: 12 }),
    ])
    const shards = (events: typeof ea.events) => acceptedBodies(events).map((body) => body.shardId)
    const groupOf = (shardId: string) => shardId.replace(/\.r\d$/, '')
    const groupsA = new Set(shards(ea.events).map(groupOf))
    // No contributor ever got two copies of one batch.
    expect(shards(ea.events).length).toBe(groupsA.size)
    // Batches both computed: the second copy was verified by agreeing with the first (full credit).
    expect(shards(eb.events).filter((s) => groupsA.has(groupOf(s))).length).toBeGreaterThan(0)
    const qualities = acceptedBodies([...ea.events, ...eb.events]).map(
      (body) => body.credit / (body.flops / 1e9),
    )
    expect(qualities.some((q) => Math.abs(q - 1) < 1e-9)).toBe(true)
  })

  it('settles a disagreement by recomputation: the wrong copy is rejected or struck', async () => {
    const validator = await harness.startValidator({
      sections: { infer: inferSection({ sampleRate: 0, canaryRate: 0, redundancy: 2 }), gemm: false },
    })
    const [honest, liar] = [
      await harness.contributorNode(validator),
      await harness.contributorNode(validator),
    ]
    const tamper = (outputs: NamedTensor[]) =>
      outputs.map((t) => ({ ...t, data: (t.data as Float32Array).map((v) => v + 1) }))
    let caught = false
    const check = async () => {
      caught = (await validator.ledger.receipts.contributor(liar.peerId.toString())).rejected >= 1
    }
    const poll = setInterval(() => void check(), 50)
    await Promise.all([
      harness.contribute(honest, () => caught),
      harness.contribute(liar, () => caught, { tamper }),
    ])
    clearInterval(poll)
    expect(
      (await validator.ledger.receipts.contributor(liar.peerId.toString())).rejected,
    ).toBeGreaterThanOrEqual(1)
    expect((await validator.ledger.receipts.contributor(honest.peerId.toString())).rejected).toBe(0)
  })
})
