import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import type { MatmulEngine } from '../gpu/engine.ts'
import { verifyReceipt } from '../protocol/receipt.ts'
import { acceptedBodies, createHarness, freePort } from '../testing/test-support.ts'
import { gemmValidator } from '../work/gemm/validator.ts'
import type { ValidatorKind } from '../work/kind.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

describe('validator and a Node contributor over libp2p', () => {
  it('a contributor with one lane works for every validator of its subnet, not the first it heard', async () => {
    const validators = [await harness.startValidator(), await harness.startValidator({ seed: 2 })]
    const node = await harness.contributorNode(validators[0])
    await node.dial(multiaddr(validators[1].multiaddrs()[0]))
    const { events } = await harness.contribute(node, { type: 'accepted', count: 12 }, { lanes: 1 })
    const by = new Map<string, number>()
    for (const body of acceptedBodies(events)) by.set(body.validator, (by.get(body.validator) ?? 0) + 1)
    for (const v of validators) expect(by.get(v.peerId.toString()) ?? 0).toBeGreaterThanOrEqual(3)
  })

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
    // What the kind moved, on /api/status and /metrics: a credited tile of K = 64 hands back one f32
    // per 2·64 FLOPs (32 FLOPs per byte, a little less with its envelope); A and W came as blobs.
    const { intensity } = await validator.status()
    expect(intensity.gemm.verifiedFlops).toBe(acceptedBodies(events).reduce((s, b) => s + b.flops, 0))
    expect(intensity.gemm.flopsPerByteUp).toBeGreaterThan(30)
    expect(intensity.gemm.flopsPerByteUp).toBeLessThanOrEqual(32)
    expect(intensity.gemm.blobBytes).toBeGreaterThan(0)
    expect(intensity.gemm.flopsPerByteDown).toBeGreaterThan(0)
    const { body } = await validator.metrics.render()
    expect(body).toMatch(/tessera_kind_flops_per_byte\{kind="gemm",direction="up"\} 3[01]\./)
  })

  it('a dishonest contributor is rejected at its first wrong result, never credited, and refused from then on', async () => {
    const validator = await harness.startValidator()
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
    const { events } = await harness.contribute(
      node,
      (events) => events.some((e) => e.type === 'refused' && e.reason === 'banned'),
      { runtimes: { engine: dishonest } },
    )

    const rejections = events.flatMap((e) => (e.type === 'rejected' ? [e.rejection] : []))
    expect(rejections[0].reason).toBe('verification-failed')
    expect(rejections.every((r) => r.reason === 'verification-failed' || r.reason === 'banned')).toBe(true)
    expect(events.some((e) => e.type === 'accepted')).toBe(false)
    expect(events.some((e) => e.type === 'refused' && e.reason === 'banned')).toBe(true)
    const ledger = await validator.ledger.receipts.contributor(node.peerId.toString())
    expect(ledger.accepted).toBe(0)
    expect(ledger.credit).toBe(0)
    expect(ledger.rejected).toBeGreaterThanOrEqual(1)
    expect((await validator.status()).ledger.credit).toBe(0)
  })
})

describe('validator startup', () => {
  it('closes what it opened when startup fails half-way', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-startup-'))
    const port = await freePort()
    const listen = [`/ip4/127.0.0.1/tcp/${port}/ws`]
    const count = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length
    const before = { servers: count('TCPServerWrap'), timers: count('Timeout') }
    // A kind whose source cannot be built: it fails after the ledger and the libp2p node are open.
    const broken: ValidatorKind = {
      ...gemmValidator,
      name: 'broken',
      createSource: async () => {
        throw new Error('no such model file')
      },
    }
    const harness = createHarness()
    await expect(harness.startValidator({ dataDir, listen, kinds: [gemmValidator, broken] })).rejects.toThrow(
      'no such model file',
    )
    // The ledger was closed (SQLite removes its write-ahead log with the last connection), the
    // listener was closed (the port can be bound again), and no timer or socket was left behind.
    expect(existsSync(join(dataDir, 'ledger.sqlite'))).toBe(true)
    expect(existsSync(join(dataDir, 'ledger.sqlite-wal'))).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(count('TCPServerWrap')).toBeLessThanOrEqual(before.servers)
    expect(count('Timeout')).toBeLessThanOrEqual(before.timers)
    const again = await harness.startValidator({ dataDir, listen })
    expect(again.multiaddrs()[0]).toContain(`/tcp/${port}/`)
    await harness.cleanup()
    rmSync(dataDir, { recursive: true, force: true })
  })
})
