/**
 * The scheduler's memory: shards cut and not credited, their leases (live, and expired ones kept one
 * more TTL for late results), the queue of shards waiting for a new lease, which contributors held a
 * copy of each redundancy group, and the work each contributor holds. Plain bookkeeping; the
 * scheduler decides, the ledger persists.
 */
import type { Shard } from '../work/kind.ts'

export interface Lease {
  leaseId: string
  shardId: string
  peer: string
  flops: number
  bytes: number
  grantedAt: number
  expiresAt: number
  /** What else the lease counts against besides its peer: connection, address, range (see scheduler). */
  buckets?: string[]
}

/** Work held in live leases by one peer or bucket. */
export interface Held {
  flops: number
  bytes: number
  count: number
}

/**
 * What the book keeps of a shard: not its grant, whose inputs can be large and which its source
 * rebuilds from the id (the scheduler's grant cache keeps recent ones).
 */
export type ShardRef = Omit<Shard, 'grant' | 'cursor'>

export interface OpenShard {
  shard: ShardRef
  kind: string
  leaseId?: string
}

/** Redundancy groups remembered: far more than are ever in flight at once. */
const MAX_GROUPS = 100_000

/** The first shard of a queue still open, unleased and acceptable, taken out; stale entries are dropped. */
function dequeue(
  q: string[],
  open: Map<string, OpenShard>,
  acceptable: (o: OpenShard) => boolean,
): OpenShard | undefined {
  for (let i = 0; i < q.length; i++) {
    const o = open.get(q[i])
    if (o == null || o.leaseId != null) {
      q.splice(i--, 1)
      continue
    }
    if (!acceptable(o)) continue
    q.splice(i, 1)
    return o
  }
  return undefined
}

/** Work in live leases, in all and by `peer:<id>` and by each lease's buckets. */
function createHoldings() {
  const held = new Map<string, Held>()
  const totals = { flops: 0, bytes: 0 }
  return {
    totals,
    of: (key: string): Held => held.get(key) ?? { flops: 0, bytes: 0, count: 0 },
    account(sign: 1 | -1, lease: Lease) {
      totals.flops += sign * lease.flops
      totals.bytes += sign * lease.bytes
      for (const key of [`peer:${lease.peer}`, ...(lease.buckets ?? [])]) {
        const o = held.get(key) ?? { flops: 0, bytes: 0, count: 0 }
        o.flops += sign * lease.flops
        o.bytes += sign * lease.bytes
        o.count += sign
        if (o.count <= 0) held.delete(key)
        else held.set(key, o)
      }
    },
  }
}

export function createShardBook(leaseTtlMs: number) {
  const open = new Map<string, OpenShard>()
  const leases = new Map<string, Lease>()
  const expired = new Map<string, Lease>()
  const queues = new Map<string, string[]>()
  // Kept after a group's copies are done (a source may hold copies not cut yet); oldest forgotten first.
  const groupPeers = new Map<string, Set<string>>()
  const holdings = createHoldings()
  const { totals } = holdings
  const account = holdings.account
  const dropLease = (lease: Lease) => {
    if (leases.delete(lease.leaseId)) account(-1, lease)
  }
  const enqueue = (offerId: string, shardId: string, front = false) => {
    const q = queues.get(offerId) ?? []
    if (front) q.unshift(shardId)
    else q.push(shardId)
    queues.set(offerId, q)
  }
  const queuedCount = () => {
    let queued = 0
    for (const q of queues.values()) queued += q.length
    return queued
  }
  const holdsGroup = (group: string | undefined, peer: string) =>
    group != null && (groupPeers.get(group)?.has(peer) ?? false)

  return {
    add({ grant: _, cursor: __, ...shard }: Shard, kind: string): OpenShard {
      const o = { shard, kind }
      open.set(shard.shardId, o)
      return o
    },
    /** Forgets a shard its source can no longer rebuild (its inputs are gone). */
    drop(shardId: string): void {
      open.delete(shardId)
    },
    enqueue,
    holdsGroup,
    /** What a peer holds in live leases. */
    held: (peer: string): Held => holdings.of(`peer:${peer}`),
    /** What all live leases counted against one bucket hold. */
    bucket: (key: string): Held => holdings.of(key),
    totals: () => totals,

    /** Leases past their time move to `expired`; their shards go back in the queue. */
    sweep(at: number): void {
      for (const [leaseId, lease] of expired) if (lease.expiresAt + leaseTtlMs <= at) expired.delete(leaseId)
      for (const lease of leases.values()) {
        if (lease.expiresAt > at) continue
        dropLease(lease)
        expired.set(lease.leaseId, lease)
        const o = open.get(lease.shardId)
        if (o?.leaseId === lease.leaseId) {
          o.leaseId = undefined
          enqueue(o.shard.offerId, lease.shardId)
        }
      }
    },

    /** A queued shard of this offer the peer may take (fits `room`, not a copy it held), dequeued. */
    takeQueued: (offerId: string, peer: string, room: number): OpenShard | undefined =>
      dequeue(
        queues.get(offerId) ?? [],
        open,
        (o) => o.shard.flops <= room && !holdsGroup(o.shard.group, peer),
      ),

    grant(o: OpenShard, lease: Lease): void {
      o.leaseId = lease.leaseId
      leases.set(lease.leaseId, lease)
      account(1, lease)
      const group = o.shard.group
      if (group == null) return
      groupPeers.set(group, (groupPeers.get(group) ?? new Set()).add(lease.peer))
      if (groupPeers.size > MAX_GROUPS) groupPeers.delete(groupPeers.keys().next().value!)
    },

    /** The lease (live, or expired within one more TTL) and its shard if still open. */
    find(leaseId: string): { lease: Lease; open?: OpenShard; late: boolean } | undefined {
      const live = leases.get(leaseId)
      const lease = live ?? expired.get(leaseId)
      return lease == null ? undefined : { lease, open: open.get(lease.shardId), late: live == null }
    },

    /** The shard is done: it leaves with every lease on it. */
    complete(leaseId: string): void {
      const lease = leases.get(leaseId) ?? expired.get(leaseId)
      if (lease == null) return
      open.delete(lease.shardId)
      for (const l of [...leases.values(), ...expired.values()]) {
        if (l.shardId !== lease.shardId) continue
        dropLease(l)
        expired.delete(l.leaseId)
      }
    },

    /** The lease ends without a result; its shard goes to the front of the queue. Returns the shard id if requeued. */
    release(leaseId: string): string | undefined {
      const lease = leases.get(leaseId) ?? expired.get(leaseId)
      if (lease == null) return undefined
      dropLease(lease)
      expired.delete(leaseId)
      const o = open.get(lease.shardId)
      if (o?.leaseId !== leaseId) return undefined
      o.leaseId = undefined
      enqueue(o.shard.offerId, lease.shardId, true)
      return lease.shardId
    },

    stats: () => ({
      open: open.size,
      leased: leases.size,
      queued: queuedCount(),
      outstandingFlops: totals.flops,
      outstandingBytes: totals.bytes,
    }),
  }
}

export type ShardBook = ReturnType<typeof createShardBook>
