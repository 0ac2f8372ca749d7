/**
 * Who holds a lease on which shard. Offers are per kind (or per model); a lease request names an
 * offer and the contributor's measured throughput, and the scheduler cuts a shard from that offer's
 * source sized to take about `targetShardMs` on that contributor, or hands out a shard whose earlier
 * lease expired or whose result was rejected. Every shard cut is recorded in the ledger with its
 * lease and its source's cursor before the grant goes out, so a restart (restore()) brings back every
 * shard not yet credited: nothing is skipped and nothing is credited twice.
 *
 * A contributor's outstanding work is capped in FLOPs by an allowance that starts small and grows
 * with the work it has had verified, and in bytes: identities are free, verified work is not.
 */
import type { LeaseRequest, LeaseResponse, RejectionReason, WorkOffer } from '../protocol/types.ts'
import type { Shard, ValidatorKind, WorkSource } from '../work/kind.ts'
import type { KindRegistry } from '../work/registry.ts'
import type { EpochClock } from './epochs.ts'
import type { OpenShardRow, ShardStore } from './ledger/index.ts'

export interface SchedulerOptions {
  netuid: number
  validator: string
  kinds: KindRegistry<ValidatorKind>
  /** Sources by kind name. */
  sources: Map<string, WorkSource>
  shards: ShardStore
  epochs: EpochClock
  /** FLOPs of verified work a contributor has earned receipts for (its allowance grows with it). */
  verifiedFlops: (peer: string) => Promise<number>
  /** How long a contributor has to hand in a result before the shard is offered again. */
  leaseTtlMs?: number
  /** How long a gossiped offer stays valid; it is re-published well before then. */
  offerTtlMs?: number
  /** Wall time one shard should take on the contributor that asks. */
  targetShardMs?: number
  /** Throughput assumed for a contributor that reports none (FLOP/s). */
  initialFlopsPerSecond?: number
  /** FLOPs a new identity may hold in leases; verified work adds to it, up to maxAllowanceFlops. */
  baseAllowanceFlops?: number
  maxAllowanceFlops?: number
  /** Encoded grant bytes one contributor may hold. */
  maxPeerBytes?: number
  /** Encoded grant bytes all open leases may hold: bounds the validator's memory. */
  maxTotalBytes?: number
  now?: () => number
}

export interface Lease {
  leaseId: string
  shardId: string
  peer: string
  flops: number
  bytes: number
  grantedAt: number
  expiresAt: number
}

export type LeaseLookup =
  | { ok: true; lease: Lease; shard: Shard; kind: ValidatorKind; source: WorkSource; late: boolean }
  | { ok: false; reason: RejectionReason; message: string }

export interface SchedulerStats {
  /** Shards cut and not credited yet. */
  open: number
  leased: number
  queued: number
  outstandingFlops: number
  outstandingBytes: number
}

export interface Scheduler {
  /** The offers to gossip, with fresh expiry times. */
  offers(): WorkOffer[]
  lease(peer: string, request: LeaseRequest): Promise<LeaseResponse>
  /** Finds the lease a result is for; late results (lease expired, shard not yet done) are allowed. */
  lookup(leaseId: string, peer: string): LeaseLookup
  /** The shard's result was credited: it leaves for good, with every lease on it. */
  complete(leaseId: string): void
  /** The shard's result was rejected: offer it again. */
  release(leaseId: string): Promise<void>
  /** Brings back the shards of the ledger that were cut and not credited (at startup). */
  restore(): Promise<number>
  stats(): SchedulerStats
}

interface OpenShard {
  shard: Shard
  kind: string
  leaseId?: string
}

/** Redundancy groups remembered: far more than are ever in flight at once. */
const MAX_GROUPS = 100_000

function rowOf(o: OpenShard, cutAt: number, lease: OpenShardRow['lease']): OpenShardRow {
  return { shardId: o.shard.shardId, offerId: o.shard.offerId, kind: o.kind, cutAt, lease }
}

export const SCHEDULER_DEFAULTS = {
  leaseTtlMs: 60_000,
  offerTtlMs: 30_000,
  targetShardMs: 1000,
  initialFlopsPerSecond: 1e9,
  baseAllowanceFlops: 8e9,
  maxAllowanceFlops: 1e13,
  maxPeerBytes: 256 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
}

export function createScheduler(init: SchedulerOptions): Scheduler {
  const options = { ...SCHEDULER_DEFAULTS, ...init }
  const { netuid, validator, kinds, sources, shards: store, epochs } = options
  const now = options.now ?? Date.now

  const open = new Map<string, OpenShard>()
  const leases = new Map<string, Lease>()
  /** Expired leases kept for one more TTL so a slightly late result still counts (at lower quality). */
  const expired = new Map<string, Lease>()
  /** Shards waiting for a new lease, by offer, oldest first. */
  const queues = new Map<string, string[]>()
  /**
   * Contributors that held a copy of each group: copies go to distinct peers. Kept after the copies
   * are done (a source may hold copies not cut yet), the oldest groups forgotten past a bound.
   */
  const groupPeers = new Map<string, Set<string>>()
  const holdGroup = (group: string, peer: string) => {
    groupPeers.set(group, (groupPeers.get(group) ?? new Set()).add(peer))
    if (groupPeers.size > MAX_GROUPS) groupPeers.delete(groupPeers.keys().next().value!)
  }
  const outstanding = new Map<string, { flops: number; bytes: number }>()
  const totals = { flops: 0, bytes: 0 }

  const offerIndex = () => {
    const index = new Map<
      string,
      { kind: ValidatorKind; source: WorkSource; spec: ReturnType<WorkSource['offers']>[number] }
    >()
    for (const [name, source] of sources) {
      for (const spec of source.offers()) index.set(spec.offerId, { kind: kinds.get(name), source, spec })
    }
    return index
  }
  let index = offerIndex()

  const account = (peer: string, flops: number, bytes: number) => {
    const o = outstanding.get(peer) ?? { flops: 0, bytes: 0 }
    o.flops += flops
    o.bytes += bytes
    totals.flops += flops
    totals.bytes += bytes
    if (o.flops <= 0 && o.bytes <= 0) outstanding.delete(peer)
    else outstanding.set(peer, o)
  }

  const enqueue = (offerId: string, shardId: string, front = false) => {
    const q = queues.get(offerId) ?? []
    if (front) q.unshift(shardId)
    else q.push(shardId)
    queues.set(offerId, q)
  }

  const dropLease = (lease: Lease) => {
    if (leases.delete(lease.leaseId)) account(lease.peer, -lease.flops, -lease.bytes)
  }

  function sweep(): void {
    const at = now()
    for (const [leaseId, lease] of expired) {
      if (lease.expiresAt + options.leaseTtlMs <= at) expired.delete(leaseId)
    }
    for (const lease of leases.values()) {
      if (lease.expiresAt > at) continue
      dropLease(lease)
      expired.set(lease.leaseId, lease)
      const shard = open.get(lease.shardId)
      if (shard?.leaseId === lease.leaseId) {
        shard.leaseId = undefined
        enqueue(shard.shard.offerId, lease.shardId)
      }
    }
  }

  /** A queued shard this peer may take, removed from the queue. */
  function fromQueue(offerId: string, peer: string, room: number): OpenShard | undefined {
    const q = queues.get(offerId)
    if (q == null) return undefined
    for (let i = 0; i < q.length; i++) {
      const o = open.get(q[i])
      if (o == null || o.leaseId != null) {
        q.splice(i--, 1)
        continue
      }
      if (o.shard.flops > room) continue
      if (o.shard.group != null && groupPeers.get(o.shard.group)?.has(peer)) continue
      q.splice(i, 1)
      return o
    }
    return undefined
  }

  const refuse = (
    offerId: string,
    reason: Extract<LeaseResponse, { type: 'refusal' }>['reason'],
    message: string,
    retryAfterMs = 0,
  ): LeaseResponse => ({ type: 'refusal', offerId, reason, message, retryAfterMs })

  return {
    offers() {
      sweep()
      index = offerIndex()
      const at = now()
      return [...index.values()].map(({ kind, spec }) => ({
        netuid,
        validator,
        offerId: spec.offerId,
        kind: kind.name,
        kindVersion: kind.version,
        minFlops: spec.minFlops,
        maxFlops: spec.maxFlops,
        expiresAt: at + options.offerTtlMs,
        epoch: epochs.current(at),
        blobs: spec.blobs,
      }))
    },

    async lease(peer, request) {
      const entry = index.get(request.offerId) ?? offerIndex().get(request.offerId)
      if (entry == null) return refuse(request.offerId, 'unknown-offer', 'this validator has no such offer')
      if (entry.kind.name !== request.kind || entry.kind.version !== request.kindVersion) {
        return refuse(
          request.offerId,
          'unknown-kind',
          `offer ${request.offerId} is ${entry.kind.name} version ${entry.kind.version}`,
        )
      }
      const verified = await options.verifiedFlops(peer)
      sweep()
      const allowance = Math.min(options.maxAllowanceFlops, options.baseAllowanceFlops + verified)
      const held = outstanding.get(peer) ?? { flops: 0, bytes: 0 }
      const room = allowance - held.flops
      if (room < entry.spec.minFlops) {
        return refuse(
          request.offerId,
          'over-allowance',
          `hand in results first: ${(held.flops / 1e9).toFixed(1)} of your ${(allowance / 1e9).toFixed(1)} GFLOP allowance are leased`,
          1000,
        )
      }
      if (held.bytes >= options.maxPeerBytes || totals.bytes >= options.maxTotalBytes) {
        return refuse(request.offerId, 'busy', 'too much work is out right now; try again shortly', 1000)
      }
      const fps = request.flopsPerSecond > 0 ? request.flopsPerSecond : options.initialFlopsPerSecond
      const target = Math.max(
        entry.spec.minFlops,
        Math.min(entry.spec.maxFlops, room, (fps * options.targetShardMs) / 1000),
      )

      let taken = fromQueue(request.offerId, peer, room)
      let fresh = false
      for (let tries = 0; taken == null && tries < 4; tries++) {
        const shard = entry.source.next(request.offerId, target)
        if (shard == null) break
        const o: OpenShard = { shard, kind: entry.kind.name }
        open.set(shard.shardId, o)
        fresh = true
        if (shard.group != null && groupPeers.get(shard.group)?.has(peer)) {
          // A copy of a batch this peer already computed goes to someone else.
          await store.cut(rowOf(o, now(), null), shard.cursor)
          enqueue(request.offerId, shard.shardId, true)
          fresh = false
          continue
        }
        taken = o
      }
      if (taken == null) return refuse(request.offerId, 'busy', 'no work on this offer right now', 5000)

      const at = now()
      const payload = entry.kind.grant.encode(taken.shard.grant)
      const lease: Lease = {
        leaseId: crypto.randomUUID(),
        shardId: taken.shard.shardId,
        peer,
        flops: taken.shard.flops,
        bytes: payload.byteLength,
        grantedAt: at,
        expiresAt: at + options.leaseTtlMs,
      }
      taken.leaseId = lease.leaseId
      leases.set(lease.leaseId, lease)
      account(peer, lease.flops, lease.bytes)
      const group = taken.shard.group
      if (group != null) holdGroup(group, peer)
      const leaseRow = { leaseId: lease.leaseId, peer, expiresAt: lease.expiresAt }
      if (fresh) await store.cut(rowOf(taken, at, leaseRow), taken.shard.cursor)
      else await store.lease(taken.shard.shardId, leaseRow)
      return {
        type: 'grant',
        leaseId: lease.leaseId,
        offerId: taken.shard.offerId,
        shardId: taken.shard.shardId,
        kind: entry.kind.name,
        kindVersion: entry.kind.version,
        expiresAt: lease.expiresAt,
        flops: taken.shard.flops,
        payload,
      }
    },

    lookup(leaseId, peer) {
      sweep()
      const live = leases.get(leaseId)
      const lease = live ?? expired.get(leaseId)
      if (lease == null) return { ok: false, reason: 'unknown-lease', message: `no lease ${leaseId} is open` }
      if (lease.peer !== peer) {
        return { ok: false, reason: 'not-your-lease', message: 'this lease was granted to another peer' }
      }
      const o = open.get(lease.shardId)
      if (o == null) {
        return {
          ok: false,
          reason: 'already-completed',
          message: `shard ${lease.shardId} was completed by someone else`,
        }
      }
      const kind = kinds.get(o.kind)
      return { ok: true, lease, shard: o.shard, kind, source: sources.get(o.kind)!, late: live == null }
    },

    complete(leaseId) {
      const lease = leases.get(leaseId) ?? expired.get(leaseId)
      if (lease == null) return
      open.delete(lease.shardId)
      for (const l of [...leases.values(), ...expired.values()]) {
        if (l.shardId !== lease.shardId) continue
        dropLease(l)
        expired.delete(l.leaseId)
      }
    },

    async release(leaseId) {
      const lease = leases.get(leaseId) ?? expired.get(leaseId)
      if (lease == null) return
      dropLease(lease)
      expired.delete(leaseId)
      const o = open.get(lease.shardId)
      if (o?.leaseId === leaseId) {
        o.leaseId = undefined
        enqueue(o.shard.offerId, lease.shardId, true)
        await store.lease(lease.shardId, null)
      }
    },

    async restore() {
      const at = now()
      let restored = 0
      for (const r of await store.open()) {
        const source = sources.get(r.kind)
        const shard = source?.restore(r.shardId, r.offerId)
        if (shard == null) continue
        const o: OpenShard = { shard, kind: r.kind }
        open.set(shard.shardId, o)
        restored++
        if (r.lease != null && r.lease.expiresAt > at) {
          // Its contributor may still hand the result in; the lease runs out as it would have.
          const bytes = kinds.get(r.kind).grant.encode(shard.grant).byteLength
          const lease: Lease = {
            ...r.lease,
            shardId: shard.shardId,
            flops: shard.flops,
            bytes,
            grantedAt: r.cutAt,
          }
          leases.set(lease.leaseId, lease)
          account(lease.peer, lease.flops, lease.bytes)
          o.leaseId = lease.leaseId
          if (shard.group != null) holdGroup(shard.group, lease.peer)
        } else enqueue(shard.offerId, shard.shardId)
      }
      return restored
    },

    stats() {
      let queued = 0
      for (const q of queues.values()) queued += q.length
      return {
        open: open.size,
        leased: leases.size,
        queued,
        outstandingFlops: totals.flops,
        outstandingBytes: totals.bytes,
      }
    },
  }
}
