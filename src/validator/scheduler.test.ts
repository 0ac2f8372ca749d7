import { describe, expect, it } from 'vitest'
import { createSyntheticLayer } from '../work/gemm/synthetic-layer.ts'
import { createEpochClock } from './epochs.ts'
import { createScheduler } from './scheduler.ts'
import { createGemmSource } from './sources/gemm-source.ts'

function setup() {
  let clock = 1_000_000
  const meta = new Map<string, string>()
  const completed = new Set<string>()
  const ledger = {
    getMeta: (k: string) => meta.get(k),
    setMeta: (k: string, v: string) => void meta.set(k, v),
    isOfferCompleted: (id: string) => completed.has(id),
  }
  const now = () => clock
  const scheduler = createScheduler({
    netuid: 1,
    validator: 'validator',
    sources: [
      createGemmSource(
        createSyntheticLayer({
          seed: 1,
          batchRows: 8,
          inFeatures: 4,
          outFeatures: 8,
          tileRows: 4,
          tileCols: 4,
        }),
        ledger,
      ),
    ],
    ledger,
    epochs: createEpochClock(ledger, 60_000, now),
    openOffers: 3,
    leaseTtlMs: 1000,
    maxLeasesPerPeer: 2,
    now,
  })
  return {
    scheduler,
    meta,
    completed,
    advance: (ms: number) => {
      clock += ms
    },
  }
}

describe('scheduler', () => {
  it('grants one lease per offer and limits leases per contributor', () => {
    const { scheduler } = setup()
    const [o1, o2, o3] = scheduler.offers()
    expect(scheduler.lease('alice', { offerId: o1.offerId, engine: 'cpu' }).type).toBe('grant')
    expect(scheduler.lease('bob', { offerId: o1.offerId, engine: 'cpu' })).toMatchObject({
      reason: 'already-leased',
    })
    expect(scheduler.lease('alice', { offerId: o2.offerId, engine: 'cpu' }).type).toBe('grant')
    expect(scheduler.lease('alice', { offerId: o3.offerId, engine: 'cpu' })).toMatchObject({
      reason: 'too-many-leases',
    })
    expect(scheduler.lease('alice', { offerId: 'nope', engine: 'cpu' })).toMatchObject({
      reason: 'unknown-offer',
    })
    expect(scheduler.offers().map((o) => o.offerId)).toEqual([o3.offerId])
  })

  it('offers an expired lease again, and still takes the late result as late', () => {
    const { scheduler, advance } = setup()
    const [offer] = scheduler.offers()
    const grant = scheduler.lease('alice', { offerId: offer.offerId, engine: 'cpu' })
    if (grant.type !== 'grant') throw new Error('expected a grant')
    advance(1500)
    expect(scheduler.offers().map((o) => o.offerId)).toContain(offer.offerId)
    const claim = scheduler.claim(grant.leaseId, 'alice')
    expect(claim).toMatchObject({ ok: true, late: true })
    expect(scheduler.claim(grant.leaseId, 'bob')).toMatchObject({ ok: false, reason: 'not-your-lease' })
    scheduler.complete(grant.leaseId)
    expect(scheduler.offers().map((o) => o.offerId)).not.toContain(offer.offerId)
    expect(scheduler.claim(grant.leaseId, 'alice')).toMatchObject({ ok: false, reason: 'unknown-lease' })
  })

  it('puts a rejected tile back on offer and keeps the tile cursor in the ledger', () => {
    const { scheduler, meta, completed } = setup()
    const [offer] = scheduler.offers()
    const grant = scheduler.lease('alice', { offerId: offer.offerId, engine: 'cpu' })
    if (grant.type !== 'grant') throw new Error('expected a grant')
    scheduler.release(grant.leaseId)
    expect(scheduler.offers().map((o) => o.offerId)).toContain(offer.offerId)
    expect(meta.get('gemm_cursor')).toBe('0:3')
    completed.add('b0t3')
    const g2 = scheduler.lease('bob', { offerId: offer.offerId, engine: 'cpu' })
    if (g2.type !== 'grant') throw new Error('expected a grant')
    scheduler.complete(g2.leaseId)
    // b0t3 is already in the ledger: the next fill skips it.
    expect(scheduler.offers().map((o) => o.offerId)).not.toContain('b0t3')
  })
})
