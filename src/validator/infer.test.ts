import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { NamedTensor } from '../protocol/types.ts'
import { loadSubnetConfig } from './subnet-config.ts'
import { createHarness, nodeInferRunner } from './test-support.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

/** The example subnet config (the generated MLP and Silero VAD), every result recomputed. */
async function subnet() {
  const config = await loadSubnetConfig(join(import.meta.dirname, '..', '..', 'subnet.example.json'))
  return { ...config, sampleRate: 1 }
}

describe('infer work over libp2p', () => {
  it('an honest contributor downloads both models once and earns receipts for both, verified by recompute', async () => {
    const validator = await harness.startValidator({ subnet: await subnet() })
    const node = await harness.contributorNode(validator)
    const runner = nodeInferRunner(node)
    const { events } = await harness.contribute(node, { type: 'accepted', count: 12 }, { infer: runner })
    const kinds = events.flatMap((e) => (e.type === 'accepted' ? [e.receipt.body.kind] : []))
    expect(kinds).toContain('infer')
    expect(kinds).toContain('gemm')
    expect(events.some((e) => e.type === 'rejected')).toBe(false)
    expect(runner.downloads).toBe(2)
    const infers = events.flatMap((e) =>
      e.type === 'accepted' && e.receipt.body.kind === 'infer' ? [e.receipt.body] : [],
    )
    expect(new Set(infers.map((r) => r.flops))).toEqual(new Set([737_280, 2_000_000]))
  })

  it('a contributor that perturbs model outputs is rejected and never credited for them', async () => {
    const validator = await harness.startValidator({ subnet: await subnet(), strikeLimit: 2 })
    const node = await harness.contributorNode(validator)
    const tamper = (outputs: NamedTensor[]) =>
      outputs.map((t) => ({ ...t, data: (t.data as Float32Array).map((v) => v * 1.05 + 0.01) }))
    const { events } = await harness.contribute(
      node,
      { type: 'rejected', count: 2 },
      { infer: nodeInferRunner(node, tamper) },
    )
    const rejections = events.flatMap((e) => (e.type === 'rejected' ? [e.rejection] : []))
    expect(rejections.every((r) => r.reason === 'verification-failed' || r.reason === 'banned')).toBe(true)
    const infers = events.filter((e) => e.type === 'accepted' && e.receipt.body.kind === 'infer')
    expect(infers).toHaveLength(0)
  })

  it('refuses a subnet config whose model file does not match its sha256', async () => {
    const config = await subnet()
    config.models[0].sha256 = '0'.repeat(64)
    await expect(harness.startValidator({ subnet: config })).rejects.toMatchObject({
      name: 'BlobDigestMismatchError',
    })
  })
})

describe('redundant infer work', () => {
  it('gives copies of a batch to distinct contributors and verifies them by agreement', async () => {
    const config = { ...(await subnet()), sampleRate: 0, canaryRate: 0, redundancy: 2 }
    const validator = await harness.startValidator({ subnet: config })
    const [a, b] = [await harness.contributorNode(validator), await harness.contributorNode(validator)]
    const [runA, runB] = [
      harness.contribute(a, { type: 'accepted', count: 12 }, { infer: nodeInferRunner(a) }),
      harness.contribute(b, { type: 'accepted', count: 12 }, { infer: nodeInferRunner(b) }),
    ]
    const [ea, eb] = await Promise.all([runA, runB])
    const offers = (events: typeof ea.events) =>
      events.flatMap((e) =>
        e.type === 'accepted' && e.receipt.body.kind === 'infer' ? [e.receipt.body.offerId] : [],
      )
    const groupOf = (offerId: string) => offerId.replace(/\.r\d$/, '')
    const groupsA = new Set(offers(ea.events).map(groupOf))
    // No contributor ever got two copies of one batch.
    expect(offers(ea.events).length).toBe(groupsA.size)
    // Batches both computed: the second copy was verified by agreeing with the first (full credit).
    const both = offers(eb.events).filter((o) => groupsA.has(groupOf(o)))
    expect(both.length).toBeGreaterThan(0)
    const credits = [...ea.events, ...eb.events].flatMap((e) =>
      e.type === 'accepted' && e.receipt.body.kind === 'infer'
        ? [e.receipt.body.credit / (e.receipt.body.flops / 1e9)]
        : [],
    )
    expect(credits.some((q) => Math.abs(q - 1) < 1e-9)).toBe(true)
  })

  it('settles a disagreement by recomputation: the wrong copy is rejected or struck', async () => {
    const config = { ...(await subnet()), sampleRate: 0, canaryRate: 0, redundancy: 2 }
    const validator = await harness.startValidator({ subnet: config })
    const [honest, liar] = [
      await harness.contributorNode(validator),
      await harness.contributorNode(validator),
    ]
    const tamper = (outputs: NamedTensor[]) =>
      outputs.map((t) => ({ ...t, data: (t.data as Float32Array).map((v) => v + 1) }))
    // Until the liar has been caught: rejected outright when recomputed, or struck later when outvoted.
    const caught = () => validator.ledger.contributor(liar.peerId.toString()).rejected >= 1
    await Promise.all([
      harness.contribute(honest, caught, { infer: nodeInferRunner(honest) }),
      harness.contribute(liar, caught, { infer: nodeInferRunner(liar, tamper) }),
    ])
    const liarTotals = validator.ledger.contributor(liar.peerId.toString())
    const honestTotals = validator.ledger.contributor(honest.peerId.toString())
    expect(liarTotals.rejected).toBeGreaterThanOrEqual(1)
    expect(honestTotals.rejected).toBe(0)
  })
})
