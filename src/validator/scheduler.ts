/**
 * Which work is on offer and who holds a lease on which. Items come from the work sources in turn;
 * state is in memory: a restart drops open leases, and their items are offered again (sources keep
 * their cursors in the ledger and the ledger remembers what was completed, so nothing is credited
 * twice and nothing is skipped).
 */
import type { LeaseRequest, LeaseResponse, RejectionReason, WorkOffer } from '../protocol/types.ts'
import type { EpochClock } from './epochs.ts'
import type { Ledger } from './ledger.ts'
import type { WorkItem, WorkSource } from './sources/source.ts'

export interface SchedulerOptions {
  netuid: number
  validator: string
  sources: WorkSource[]
  ledger: Pick<Ledger, 'isOfferCompleted'>
  epochs: EpochClock
  /** Items kept on offer at once. */
  openOffers?: number
  /** How long a contributor has to hand in a result before the item is offered again. */
  leaseTtlMs?: number
  /** How long a gossiped offer stays valid; it is re-published well before then. */
  offerTtlMs?: number
  /** Leases one contributor may hold at once. */
  maxLeasesPerPeer?: number
  now?: () => number
}

export interface Lease {
  leaseId: string
  offerId: string
  peer: string
  grantedAt: number
  expiresAt: number
}

interface OpenItem {
  item: WorkItem
  leaseId?: string
}

export type ClaimOutcome =
  | { ok: true; lease: Lease; item: WorkItem; late: boolean }
  | { ok: false; reason: RejectionReason; message: string }

export interface Scheduler {
  /** Open offers nobody holds a lease on, with fresh expiry times, for gossip. */
  offers(): WorkOffer[]
  lease(peer: string, request: LeaseRequest): LeaseResponse
  /** Looks up the lease a result is for; late results (lease expired, item not yet done) are allowed. */
  claim(leaseId: string, peer: string): ClaimOutcome
  /** The item's result was accepted: it leaves the offer pool for good. */
  complete(leaseId: string): void
  /** The item's result was rejected: offer it again. */
  release(leaseId: string): void
  /** Expires leases past their time, putting their items back on offer. */
  sweep(): void
  stats(): { open: number; leased: number }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { netuid, validator, sources, ledger, epochs } = options
  if (sources.length === 0) throw new RangeError('a scheduler needs at least one work source')
  const openOffers = options.openOffers ?? 32
  const leaseTtlMs = options.leaseTtlMs ?? 60_000
  const offerTtlMs = options.offerTtlMs ?? 30_000
  const maxLeasesPerPeer = options.maxLeasesPerPeer ?? 4
  const now = options.now ?? Date.now

  const items = new Map<string, OpenItem>()
  /** Contributors that held a replica of each group: a batch's copies go to distinct peers. */
  const groupPeers = new Map<string, Set<string>>()
  const leases = new Map<string, Lease>()
  /** Expired leases kept for one more TTL so a slightly late result still counts (at lower quality). */
  const expired = new Map<string, Lease>()
  let turn = 0

  function fill(): void {
    // Bounded: a source whose items were all completed already must not spin forever.
    for (let tries = 0; items.size < openOffers && tries < openOffers * 8; tries++) {
      const item = sources[turn++ % sources.length].next()
      if (!items.has(item.offerId) && !ledger.isOfferCompleted(item.offerId))
        items.set(item.offerId, { item })
    }
  }

  function offerOf({ item }: OpenItem, at: number): WorkOffer {
    return {
      netuid,
      validator,
      offerId: item.offerId,
      kind: item.kind,
      m: item.m,
      n: item.n,
      k: item.k,
      flops: item.flops,
      expiresAt: at + offerTtlMs,
      epoch: epochs.current(at),
      ...(item.model != null ? { model: item.model } : {}),
    }
  }

  function leasesOf(peer: string): number {
    let count = 0
    for (const lease of leases.values()) if (lease.peer === peer) count++
    return count
  }

  function sweep(): void {
    const at = now()
    for (const [leaseId, lease] of expired) {
      if (lease.expiresAt + leaseTtlMs <= at) expired.delete(leaseId)
    }
    for (const [leaseId, lease] of leases) {
      if (lease.expiresAt > at) continue
      leases.delete(leaseId)
      expired.set(leaseId, lease)
      const open = items.get(lease.offerId)
      if (open?.leaseId === leaseId) open.leaseId = undefined
    }
  }

  return {
    offers() {
      sweep()
      fill()
      const at = now()
      return [...items.values()].filter((t) => t.leaseId == null).map((t) => offerOf(t, at))
    },

    lease(peer, request) {
      sweep()
      const refuse = (reason: 'unknown-offer' | 'already-leased' | 'too-many-leases', message: string) =>
        ({ type: 'refusal', offerId: request.offerId, reason, message }) as const
      const open = items.get(request.offerId)
      if (open == null) return refuse('unknown-offer', 'this offer is no longer open')
      if (open.leaseId != null) return refuse('already-leased', 'another contributor holds this offer')
      const group = open.item.group
      if (group != null && groupPeers.get(group)?.has(peer)) {
        return refuse(
          'already-leased',
          'you already hold a copy of this batch; its other copies go to other contributors',
        )
      }
      if (leasesOf(peer) >= maxLeasesPerPeer) {
        return refuse('too-many-leases', `hand in a result first: at most ${maxLeasesPerPeer} leases at once`)
      }
      const at = now()
      const lease: Lease = {
        leaseId: crypto.randomUUID(),
        offerId: open.item.offerId,
        peer,
        grantedAt: at,
        expiresAt: at + leaseTtlMs,
      }
      leases.set(lease.leaseId, lease)
      open.leaseId = lease.leaseId
      if (group != null) groupPeers.set(group, (groupPeers.get(group) ?? new Set()).add(peer))
      return {
        type: 'grant',
        leaseId: lease.leaseId,
        offerId: lease.offerId,
        expiresAt: lease.expiresAt,
        work: open.item.work,
      }
    },

    claim(leaseId, peer) {
      sweep()
      const live = leases.get(leaseId)
      const lease = live ?? expired.get(leaseId)
      if (lease == null) return { ok: false, reason: 'unknown-lease', message: `no lease ${leaseId} is open` }
      if (lease.peer !== peer) {
        return { ok: false, reason: 'not-your-lease', message: 'this lease was granted to another peer' }
      }
      const open = items.get(lease.offerId)
      if (open == null) {
        return {
          ok: false,
          reason: 'already-completed',
          message: `offer ${lease.offerId} was completed by someone else`,
        }
      }
      return { ok: true, lease, item: open.item, late: live == null }
    },

    complete(leaseId) {
      const lease = leases.get(leaseId) ?? expired.get(leaseId)
      leases.delete(leaseId)
      expired.delete(leaseId)
      if (lease != null) {
        const group = items.get(lease.offerId)?.item.group
        items.delete(lease.offerId)
        if (group != null && ![...items.values()].some((o) => o.item.group === group))
          groupPeers.delete(group)
      }
    },

    release(leaseId) {
      const lease = leases.get(leaseId) ?? expired.get(leaseId)
      leases.delete(leaseId)
      expired.delete(leaseId)
      const open = lease == null ? undefined : items.get(lease.offerId)
      if (open?.leaseId === leaseId) open.leaseId = undefined
    },

    sweep,

    stats() {
      let leased = 0
      for (const t of items.values()) if (t.leaseId != null) leased++
      return { open: items.size - leased, leased }
    },
  }
}
