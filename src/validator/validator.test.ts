import { afterEach, describe, expect, it } from 'vitest'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import type { MatmulEngine } from '../gpu/engine.ts'
import { verifyReceipt } from '../protocol/receipt.ts'
import { createHarness } from './test-support.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

describe('validator and a Node contributor over libp2p', () => {
  it('an honest contributor leases, computes and gets valid signed receipts that the ledger credits', async () => {
    const validator = await harness.startValidator()
    const node = await harness.contributorNode(validator)
    const { events, store } = await harness.contribute(node, { type: 'accepted', count: 3 })

    const peer = node.peerId.toString()
    const accepted = events.flatMap((e) => (e.type === 'accepted' ? [e.receipt] : []))
    for (const receipt of accepted) {
      const verified = await verifyReceipt(receipt.bodyBytes, receipt.signature, {
        validator: validator.peerId.toString(),
        contributor: peer,
      })
      expect(verified.body.flops).toBe(2 * 32 * 32 * 64)
      expect(verified.body.netuid).toBe(1)
    }
    const stored = await store.list()
    const ledger = validator.ledger.contributor(peer)
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
    const { events } = await harness.contribute(node, { type: 'refused', count: 1 }, { engine: dishonest })

    const rejections = events.flatMap((e) => (e.type === 'rejected' ? [e.rejection] : []))
    expect(rejections.length).toBeGreaterThanOrEqual(2)
    expect(rejections.every((r) => r.reason === 'verification-failed' || r.reason === 'banned')).toBe(true)
    expect(events.some((e) => e.type === 'accepted')).toBe(false)
    expect(events.some((e) => e.type === 'refused' && e.reason === 'banned')).toBe(true)
    const ledger = validator.ledger.contributor(node.peerId.toString())
    expect(ledger.accepted).toBe(0)
    expect(ledger.credit).toBe(0)
    expect(ledger.rejected).toBeGreaterThanOrEqual(2)
    expect(validator.status().ledger.credit).toBe(0)
  })
})
