import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { type ContributorEvent, createContributor } from '../client/contributor.ts'
import { createMemoryReceiptStore } from '../client/receipt-store.ts'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import type { MatmulEngine } from '../gpu/engine.ts'
import { createServerNode, type TesseraNode } from '../p2p/node-server.ts'
import { verifyReceipt } from '../protocol/receipt.ts'
import { createValidator, type Validator } from './validator.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startValidator(
  overrides: Partial<Parameters<typeof createValidator>[0]> = {},
): Promise<Validator> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-validator-'))
  const validator = await createValidator({
    netuid: 1,
    dataDir,
    listen: [`/memory/validator-${crypto.randomUUID()}`],
    seed: 1,
    batchRows: 64,
    inFeatures: 64,
    outFeatures: 128,
    tileRows: 32,
    tileCols: 32,
    offerIntervalMs: 200,
    ...overrides,
  })
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
  cleanups.push(() => validator.stop())
  return validator
}

async function contributorNode(validator: Validator): Promise<TesseraNode> {
  const node = await createServerNode({ listen: [`/memory/contributor-${crypto.randomUUID()}`] })
  cleanups.push(() => node.stop())
  await node.dial(multiaddr(validator.multiaddrs()[0]))
  return node
}

function until<T extends ContributorEvent['type']>(
  events: ContributorEvent[],
  type: T,
  count: number,
): Promise<Array<Extract<ContributorEvent, { type: T }>>> {
  return new Promise((resolve) => {
    const check = setInterval(() => {
      const matching = events.filter((e): e is Extract<ContributorEvent, { type: T }> => e.type === type)
      if (matching.length >= count) {
        clearInterval(check)
        resolve(matching)
      }
    }, 20)
  })
}

describe('validator and a Node contributor over libp2p', () => {
  it('an honest contributor leases, computes and gets valid signed receipts that the ledger credits', async () => {
    const validator = await startValidator()
    const node = await contributorNode(validator)
    const events: ContributorEvent[] = []
    const store = createMemoryReceiptStore()
    const contributor = createContributor({
      node,
      netuid: 1,
      engine: createCpuEngine(),
      store,
      onEvent: (e) => events.push(e),
    })
    contributor.start()
    const accepted = await until(events, 'accepted', 3)
    await contributor.stop()

    const peer = node.peerId.toString()
    for (const { receipt } of accepted) {
      const verified = await verifyReceipt(receipt.bodyBytes, receipt.signature, {
        validator: validator.peerId.toString(),
        contributor: peer,
      })
      expect(verified.body.flops).toBe(2 * 32 * 32 * 64)
      expect(verified.body.netuid).toBe(1)
    }
    expect((await store.list()).length).toBe(contributor.stats().accepted)
    const ledger = validator.ledger.contributor(peer)
    expect(ledger.accepted).toBe(contributor.stats().accepted)
    expect(ledger.credit).toBeCloseTo(contributor.stats().credit, 9)
    expect(ledger.rejected).toBe(0)
    expect(events.some((e) => e.type === 'rejected')).toBe(false)
  })

  it('a dishonest contributor is rejected, never credited, and refused after the strike limit', async () => {
    const validator = await startValidator({ strikeLimit: 2 })
    const node = await contributorNode(validator)
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
    const events: ContributorEvent[] = []
    const contributor = createContributor({
      node,
      netuid: 1,
      engine: dishonest,
      onEvent: (e) => events.push(e),
    })
    contributor.start()
    await until(events, 'refused', 1)
    await contributor.stop()

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
