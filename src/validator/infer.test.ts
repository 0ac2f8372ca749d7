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
