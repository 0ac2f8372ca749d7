import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { LeaseGrant, LeaseRequest } from '../protocol/types.ts'
import type { GemmGrant } from '../work/gemm/codec.ts'
import { gemmValidator } from '../work/gemm/validator.ts'
import { createKindRegistry } from '../work/registry.ts'
import { createBlobStore } from './blob-store.ts'
import { createEpochClock } from './epochs.ts'
import { type Ledger, openLedger } from './ledger/index.ts'
import { type Requester, rangeOf } from './requester.ts'
import { createScheduler, type SchedulerOptions } from './scheduler.ts'
import { createWorkerPool } from './worker-pool.ts'

const dir = mkdtempSync(join(tmpdir(), 'tessera-scheduler-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** K = 64: a shard of m x n costs 128·m·n FLOPs; tiles are multiples of 16, at most 32 x 64. */
const LAYER = { batchRows: 64, inFeatures: 64, outFeatures: 128, maxTile: '32x64' }
const MIN = 2 * 16 * 16 * 64
const MAX = 2 * 32 * 64 * 64

interface SetupOptions {
  ledger?: Ledger
  verified?: Map<string, number>
  clock?: number
  scheduler?: Partial<SchedulerOptions>
}

async function setup(options: SetupOptions = {}) {
  let clock = options.clock ?? 1_000_000
  const ledger = options.ledger ?? openLedger(join(dir, `${crypto.randomUUID()}.sqlite`))
  const source = (await gemmValidator.createSource({
    config: LAYER,
    configDir: dir,
    shippedDir: dir,
    stateDir: mkdtempSync(join(tmpdir(), 'tessera-kind-')),
    seed: 1,
    cursor: (key) => ledger.meta.get(key),
    blobs: createBlobStore(),
    strike: () => {},
    workers: createWorkerPool({ size: 0 }),
  }))!
  const now = () => clock
  const verified = options.verified ?? new Map<string, number>()
  const scheduler = createScheduler({
    netuid: 1,
    validator: 'validator',
    kinds: createKindRegistry([gemmValidator]),
    sources: new Map([['gemm', source]]),
    shards: ledger.shards,
    epochs: await createEpochClock(ledger.meta, 60_000, now),
    verifiedFlops: async (peer) => verified.get(peer) ?? 0,
    leaseTtlMs: 1000,
    targetShardMs: 1000,
    initialFlopsPerSecond: MIN,
    baseAllowanceFlops: 2 * MAX,
    now,
    ...options.scheduler,
  })
  const ask = (flopsPerSecond = 0): LeaseRequest => ({
    offerId: 'gemm',
    kind: 'gemm',
    kindVersion: gemmValidator.version,
    engine: 'cpu',
    flopsPerSecond,
  })
  const grant = async (peer: string, fps = 0, from: Omit<Requester, 'peer'> = {}) => {
    const response = await scheduler.lease({ peer, ...from }, ask(fps))
    if (response.type !== 'grant') throw new Error(`refused: ${response.reason}`)
    return response
  }
  return {
    scheduler,
    ledger,
    verified,
    ask,
    grant,
    advance: (ms: number) => {
      clock += ms
    },
  }
}

const tileOf = (g: LeaseGrant) => g.shardId.split('.').slice(2).join('.')

describe('scheduler', () => {
  it('offers one gossip offer per offering, with the bounds of its shards', async () => {
    const { scheduler, ledger } = await setup()
    expect(scheduler.offers()).toEqual([
      expect.objectContaining({
        offerId: 'gemm',
        kind: 'gemm',
        kindVersion: gemmValidator.version,
        minFlops: MIN,
        maxFlops: MAX,
      }),
    ])
    await ledger.close()
  })

  it('sizes each shard to the throughput the contributor reports, within the offer bounds', async () => {
    const { grant, verified, ledger } = await setup()
    for (const peer of ['a', 'b', 'c']) verified.set(peer, MIN)
    // Unknown throughput: the smallest shard (the assumed rate times one second).
    expect((await grant('a')).flops).toBe(MIN)
    // 4x the smallest shard per second: a 32 x 32 tile.
    expect((await grant('b', 4 * MIN)).flops).toBe(4 * MIN)
    // Faster than the largest shard: the largest.
    expect((await grant('c', 100 * MAX)).flops).toBeLessThanOrEqual(MAX)
    await ledger.close()
  })

  it('lets a newcomer hold one smallest shard until its first result is verified, then the size it asks for', async () => {
    const { scheduler, grant, ask, verified, ledger } = await setup()
    expect((await grant('new', 100 * MAX)).flops).toBe(MIN)
    expect(await scheduler.lease({ peer: 'new' }, ask(100 * MAX))).toMatchObject({
      type: 'refusal',
      reason: 'over-allowance',
      message: /one shard until its first result is verified/,
    })
    verified.set('new', MIN)
    expect((await grant('new', 4 * MIN)).flops).toBe(4 * MIN)
    await ledger.close()
  })

  it('caps the work a new identity may hold, and lets it grow with verified work', async () => {
    const { scheduler, grant, ask, verified, ledger } = await setup()
    verified.set('sybil', 1)
    let held = 0
    while (held + MIN <= 2 * MAX) held += (await grant('sybil', MAX)).flops
    expect(held).toBeLessThanOrEqual(2 * MAX)
    expect(await scheduler.lease({ peer: 'sybil' }, ask(MAX))).toMatchObject({
      type: 'refusal',
      reason: 'over-allowance',
    })
    verified.set('sybil', 4 * MAX)
    expect((await scheduler.lease({ peer: 'sybil' }, ask(MAX))).type).toBe('grant')
    await ledger.close()
  })

  it('makes fresh identities from one address, and from one range, share a small allowance', async () => {
    const young = { youngAddressFlops: 4 * MAX, youngRangeFlops: 6 * MAX }
    const { scheduler, grant, ask, verified, ledger } = await setup({ scheduler: young })
    const at = (address: string) => ({ address, range: rangeOf(address), connection: crypto.randomUUID() })
    // A swarm of 50 identities on one address: together they hold no more than the address's pool.
    let swarm = 0
    for (let i = 0; i < 50; i++) {
      const r = await scheduler.lease({ peer: `sybil-${i}`, ...at('198.51.100.7') }, ask(MAX))
      if (r.type === 'grant') swarm += r.flops
      else expect(r).toMatchObject({ reason: 'over-allowance', message: /new identities from your network/ })
    }
    expect(swarm).toBeGreaterThan(3 * MAX)
    expect(swarm).toBeLessThanOrEqual(4 * MAX)
    // Another address of the same /24 takes what is left of the range's pool, and no more.
    let neighbours = 0
    for (let i = 0; i < 20; i++) {
      const r = await scheduler.lease({ peer: `sybil-b${i}`, ...at('198.51.100.8') }, ask(MAX))
      if (r.type === 'grant') neighbours += r.flops
    }
    expect(swarm + neighbours).toBeLessThanOrEqual(6 * MAX)
    expect(neighbours).toBeGreaterThan(0)
    // Elsewhere, a newcomer is untouched; and on the swarm's address, an identity with verified work.
    expect((await grant('honest-new', MAX, at('203.0.113.9'))).flops).toBe(MIN)
    verified.set('honest-old', 2 * MAX)
    expect((await grant('honest-old', MAX, at('198.51.100.7'))).flops).toBeGreaterThan(MIN)
    await ledger.close()
  })

  /** 200 fresh ids, each on an address range of its own, each asking once; returns the grants. */
  async function swarmOfRanges(
    scheduler: Awaited<ReturnType<typeof setup>>['scheduler'],
    ask: (fps: number) => LeaseRequest,
  ) {
    const granted: LeaseGrant[] = []
    for (let i = 0; i < 200; i++) {
      const r = await scheduler.lease({ peer: `sybil-${i}`, ...onRange(i) }, ask(MAX))
      if (r.type === 'grant') granted.push(r)
      else expect(r).toMatchObject({ reason: 'over-allowance', message: /new identities/ })
    }
    return granted
  }
  const onRange = (i: number) => {
    const address = `10.${i >> 8}.${i & 255}.1`
    return { address, range: rangeOf(address), connection: `c${i}` }
  }

  it('bounds the leases young identities hold together, on any number of ranges', async () => {
    const { scheduler, ask, ledger } = await setup({ scheduler: { youngTotalLeases: 40 } })
    const granted = await swarmOfRanges(scheduler, ask)
    // Each holds one smallest shard, 40 in all.
    expect(granted).toHaveLength(40)
    expect(granted.every((g) => g.flops === MIN)).toBe(true)
    expect(scheduler.stats().leased).toBe(40)
    await ledger.close()
  })

  it('never refuses established contributors because of what young identities hold', async () => {
    // Young identities may hold about 32 smallest grants, and the validator 40 in all: established
    // contributors have the other 8 to themselves. (A grant names its blobs: a few hundred bytes,
    // a little more or less with its offsets' varints.)
    const probe = await setup()
    const size = (await probe.scheduler.lease({ peer: 'p', ...onRange(0) }, probe.ask(MAX))) as LeaseGrant
    await probe.ledger.close()
    const caps = {
      youngTotalBytes: 32 * size.payload.byteLength,
      maxTotalBytes: 40 * size.payload.byteLength,
    }
    const { scheduler, ask, verified, ledger } = await setup({ scheduler: caps })
    const swarm = await swarmOfRanges(scheduler, ask)
    expect(swarm.length).toBeGreaterThanOrEqual(28)
    expect(swarm.length).toBeLessThanOrEqual(32)
    verified.set('old', 1000 * MAX)
    const at = onRange
    let bytes = 0
    for (let i = 0; ; i++) {
      const r = await scheduler.lease({ peer: 'old', ...at(1000 + i) }, ask(MAX))
      if (r.type !== 'grant') {
        expect(r).toMatchObject({ reason: 'busy' })
        break
      }
      bytes += r.payload.byteLength
    }
    expect(bytes).toBeGreaterThanOrEqual(7 * size.payload.byteLength)
    await ledger.close()
  })

  it('keeps grants in a bounded cache between lease and result, and rebuilds the others from their ids', async () => {
    const budget = 3 * 32 * 64 * 4
    const { scheduler, grant, verified, ledger } = await setup({ scheduler: { grantCacheBytes: budget } })
    verified.set('a', 1000 * MAX)
    const grants = []
    for (let i = 0; i < 8; i++) grants.push(await grant('a', MAX))
    expect(scheduler.stats().keptGrantBytes).toBeLessThanOrEqual(budget)
    // The first grants were dropped from memory: their results still find the same inputs.
    for (const g of grants) {
      const found = scheduler.lookup(g.leaseId, 'a')
      if (!found.ok) throw new Error(found.message)
      expect(gemmValidator.grant.encode(found.shard.grant as GemmGrant)).toEqual(g.payload)
    }
    await ledger.close()
  })

  it('bounds the leases of one connection and the work of one address range', async () => {
    const caps = { maxConnectionLeases: 3, maxRangeFlops: 5 * MAX }
    const { scheduler, ask, verified, ledger } = await setup({ scheduler: caps })
    const from = { connection: 'c1', address: '192.0.2.1', range: rangeOf('192.0.2.1') }
    verified.set('a', 100 * MAX)
    for (let i = 0; i < 3; i++)
      expect((await scheduler.lease({ peer: 'a', ...from }, ask(MAX))).type).toBe('grant')
    expect(await scheduler.lease({ peer: 'a', ...from }, ask(MAX))).toMatchObject({
      reason: 'over-allowance',
      message: /connection holds too many leases/,
    })
    // A second connection of the same peer may go on, until the range holds its cap.
    let range = 3 * MAX
    for (let i = 0; i < 10; i++) {
      const r = await scheduler.lease({ peer: 'a', ...from, connection: `c-${i}` }, ask(MAX))
      if (r.type === 'grant') range += r.flops
    }
    expect(range).toBe(5 * MAX)
    await ledger.close()
  })

  it('hands an expired shard to the next contributor, and still takes the late result', async () => {
    const { scheduler, grant, advance, ledger } = await setup()
    const first = await grant('alice', 4 * MIN)
    advance(1500)
    const second = await grant('bob')
    expect(second.shardId).toBe(first.shardId)
    const late = scheduler.lookup(first.leaseId, 'alice')
    expect(late).toMatchObject({ ok: true, late: true })
    expect(scheduler.lookup(second.leaseId, 'alice')).toMatchObject({ ok: false, reason: 'not-your-lease' })
    scheduler.complete(first.leaseId)
    expect(scheduler.lookup(second.leaseId, 'bob')).toMatchObject({ ok: false })
    await ledger.close()
  })

  it('offers a rejected shard again before cutting new ones', async () => {
    const { scheduler, grant, ledger } = await setup()
    const first = await grant('alice')
    await scheduler.release(first.leaseId)
    expect((await grant('bob')).shardId).toBe(first.shardId)
    await ledger.close()
  })

  it('restores every shard cut and not credited after a restart: live leases stay, expired ones are reissued', async () => {
    const path = join(dir, 'restart.sqlite')
    const before = await setup({ ledger: openLedger(path) })
    const lost = await before.grant('bob', 4 * MIN)
    const done = await before.grant('carol', 4 * MIN)
    before.advance(500)
    const held = await before.grant('alice', 4 * MIN)
    await before.ledger.receipts.credit({
      bodyBytes: new Uint8Array(1),
      signature: new Uint8Array(1),
      body: {
        domain: 'tessera-receipt/1',
        netuid: 1,
        validator: 'v',
        contributor: 'carol',
        receiptId: 'r',
        leaseId: done.leaseId,
        shardId: done.shardId,
        offerId: 'gemm',
        kind: 'gemm',
        flops: done.flops,
        credit: 1,
        epoch: 0,
        issuedAt: 1,
        resultDigest: new Uint8Array(32),
      },
    })
    await before.ledger.close()

    // Restarted 1.2 s after the first leases (TTL 1 s): bob's lease has run out, alice's has not.
    const after = await setup({ ledger: openLedger(path), clock: 1_001_200 })
    expect(await after.scheduler.restore()).toBe(2)
    expect(after.scheduler.lookup(held.leaseId, 'alice')).toMatchObject({ ok: true, late: false })
    after.scheduler.complete(held.leaseId)
    const reissued = await after.grant('dave', 4 * MIN)
    expect(reissued.shardId).toBe(lost.shardId)
    // New shards continue after the last one cut: nothing skipped, nothing cut twice.
    const fresh = await after.grant('erin', 4 * MIN)
    expect([held, lost, done].map(tileOf)).not.toContain(tileOf(fresh))
    await after.ledger.close()
  })

  it('refuses unknown offers and kinds with their own reasons', async () => {
    const { scheduler, ask, ledger } = await setup()
    expect(await scheduler.lease({ peer: 'a' }, { ...ask(), offerId: 'nope' })).toMatchObject({
      reason: 'unknown-offer',
    })
    expect(await scheduler.lease({ peer: 'a' }, { ...ask(), kindVersion: 9 })).toMatchObject({
      reason: 'unknown-kind',
    })
    await ledger.close()
  })
})
