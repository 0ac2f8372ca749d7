import { afterEach, describe, expect, it } from 'vitest'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import type { MatmulEngine } from '../gpu/engine.ts'
import { verifyReceipt } from '../protocol/receipt.ts'
import { acceptedBodies, createHarness } from './test-support.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

describe('validator and a Node contributor over libp2p', () => {
  it('an honest contributor leases, computes and gets valid signed receipts that the ledger credits', async () => {
    const validator = await harness.startValidator()
    const node = await harness.contributorNode(validator)
    const { events, store } = await harness.contribute(node, { type: 'accepted', count: 5 })

    const peer = node.peerId.toString()
    for (const body of acceptedBodies(events)) expect(body.kind).toBe('gemm')
    for (const e of events) {
      if (e.type !== 'accepted') continue
      const verified = await verifyReceipt(e.receipt.bodyBytes, e.receipt.signature, {
        validator: validator.peerId.toString(),
        contributor: peer,
      })
      // Tiles of the 64 x 128 x K=64 layer: multiples of 16 on each side, at most 32 x 64.
      const { flops } = verified.body
      expect(flops % (2 * 16 * 16 * 64)).toBe(0)
      expect(flops).toBeLessThanOrEqual(2 * 32 * 64 * 64)
      expect(verified.body.netuid).toBe(1)
    }
    const stored = await store.list()
    const ledger = await validator.ledger.receipts.contributor(peer)
    expect(ledger.accepted).toBe(stored.length)
    expect(ledger.credit).toBeCloseTo(
      stored.reduce((s, r) => s + r.credit, 0),
      9,
    )
    expect(ledger.rejected).toBe(0)
    expect(events.some((e) => e.type === 'rejected')).toBe(false)
  })

  it('a dishonest contributor is rejected, never credited, and refused after the strike limit', async () => {
    const validator = await harness.startValidator({ strikeLimit: 2 })
    const node = await harness.contributorNode(validator)
    const cpu = createCpuEngine()
    // Computes honestly, then nudges one element by 1e-3 relative before handing the result in.
    const dishonest: MatmulEngine = {
      ...cpu,
      async matmul(a, b, m, n, k) {
        const c = await cpu.matmul(a, b, m, n, k)
        c[(m * n) >> 1] *= 1.001
        return c
      },
    }
    const { events } = await harness.contribute(node, { type: 'refused', count: 1 }, { runtimes: { engine: dishonest } })

    const rejections = events.flatMap((e) => (e.type === 'rejected' ? [e.rejection] : []))
    expect(rejections.length).toBeGreaterThanOrEqual(2)
    expect(rejections.every((r) => r.reason === 'verification-failed' || r.reason === 'banned')).toBe(true)
    expect(events.some((e) => e.type === 'accepted')).toBe(false)
    expect(events.some((e) => e.type === 'refused' && e.reason === 'banned')).toBe(true)
    const ledger = await validator.ledger.receipts.contributor(node.peerId.toString())
    expect(ledger.accepted).toBe(0)
    expect(ledger.credit).toBe(0)
    expect(ledger.rejected).toBeGreaterThanOrEqual(2)
    expect((await validator.status()).ledger.credit).toBe(0)
  })
})
