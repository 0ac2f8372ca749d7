/**
 * Who holds a lease on which shard. Offers are per kind (or per model); a lease request names an
 * offer and the contributor's measured throughput, and the scheduler cuts a shard from that offer's
 * source sized to take about `targetShardMs` on that contributor, or hands out a shard whose earlier
 * lease expired or whose result was rejected. Every shard cut is recorded in the ledger with its
 * lease and its source's cursor before the grant goes out, so a restart (restore()) brings back every
 * shard not yet credited: nothing is skipped and nothing is credited twice.
 *
 * A contributor's outstanding work is capped in FLOPs by an allowance that starts small and grows
 * with the work it has had verified, and in bytes: identities are free, verified work is not. Because
 * identities are free, young ones (less verified work than the base allowance) from one address,
 * and from one address range, share a pool as small as a few identities' allowance; every lease also
 * counts against its connection (a number of leases) and its address range (FLOPs and bytes), so one
 * place cannot hold the validator's memory whatever it calls itself.
 */
import type { LeaseRequest, LeaseResponse, RejectionReason, WorkOffer } from '../protocol/types.ts'
import type { OfferSpec, Shard, ValidatorKind, WorkSource } from '../work/kind.ts'
import type { KindRegistry } from '../work/registry.ts'
import type { EpochClock } from './epochs.ts'
import type { OpenShardRow, ShardStore } from './ledger/index.ts'
import type { Requester } from './requester.ts'
import { createShardBook, type Lease, type OpenShard, type ShardBook } from './shard-book.ts'

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
  /** Live leases one connection may hold. */
  maxConnectionLeases?: number
  /** FLOPs young identities (verified < baseAllowanceFlops) of one address may hold together. */
  youngAddressFlops?: number
  /** FLOPs and grant bytes young identities of one address range (IPv4 /24, IPv6 /48) may hold together. */
  youngRangeFlops?: number
  youngRangeBytes?: number
  /** FLOPs and grant bytes every identity of one address range may hold together. */
  maxRangeFlops?: number
  maxRangeBytes?: number
  now?: () => number
}

export type { Lease }

type RefusalReason = Extract<LeaseResponse, { type: 'refusal' }>['reason']

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
  lease(who: Requester, request: LeaseRequest): Promise<LeaseResponse>
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
  maxConnectionLeases: 64,
  youngAddressFlops: 16e9,
  youngRangeFlops: 32e9,
  youngRangeBytes: 64 * 1024 * 1024,
  maxRangeFlops: 1e14,
  maxRangeBytes: 512 * 1024 * 1024,
}

export function createScheduler(init: SchedulerOptions): Scheduler {
  const options = { ...SCHEDULER_DEFAULTS, ...init }
  const { netuid, validator, kinds, sources, shards: store, epochs } = options
  const now = options.now ?? Date.now
  const book = createShardBook(options.leaseTtlMs)

  const offerIndex = () => {
    const index = new Map<string, OfferEntry>()
    for (const [name, source] of sources) {
      for (const spec of source.offers()) index.set(spec.offerId, { kind: kinds.get(name), source, spec })
    }
    return index
  }
  let index = offerIndex()

  const entryOf = (offerId: string) => index.get(offerId) ?? offerIndex().get(offerId)

  /** One shard of the ledger brought back after a restart; false if its source no longer knows it. */
  function restoreShard(r: OpenShardRow): boolean {
    const shard = sources.get(r.kind)?.restore(r.shardId, r.offerId)
    if (shard == null) return false
    const o = book.add(shard, r.kind)
    if (r.lease == null || r.lease.expiresAt <= now()) {
      book.enqueue(shard.offerId, shard.shardId)
      return true
    }
    // Its contributor may still hand the result in; the lease runs out as it would have.
    const bytes = kinds.get(r.kind).grant.encode(shard.grant).byteLength
    book.grant(o, { ...r.lease, shardId: shard.shardId, flops: shard.flops, bytes, grantedAt: r.cutAt })
    return true
  }

  return {
    offers() {
      book.sweep(now())
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
        notes: spec.notes ?? {},
      }))
    },

    lease: (who, request) => lease({ options, book, store, now, offer: entryOf }, who, request),

    lookup(leaseId, peer) {
      book.sweep(now())
      const found = book.find(leaseId)
      if (found == null) return { ok: false, reason: 'unknown-lease', message: `no lease ${leaseId} is open` }
      if (found.lease.peer !== peer) {
        return { ok: false, reason: 'not-your-lease', message: 'this lease was granted to another peer' }
      }
      const o = found.open
      if (o == null) {
        const message = `shard ${found.lease.shardId} was completed by someone else`
        return { ok: false, reason: 'already-completed', message }
      }
      const { lease, late } = found
      return { ok: true, lease, shard: o.shard, kind: kinds.get(o.kind), source: sources.get(o.kind)!, late }
    },

    complete: (leaseId) => book.complete(leaseId),

    async release(leaseId) {
      const requeued = book.release(leaseId)
      if (requeued != null) await store.lease(requeued, null)
    },

    async restore() {
      let restored = 0
      for (const row of await store.open()) if (restoreShard(row)) restored++
      return restored
    },

    stats: () => book.stats(),
  }
}

interface OfferEntry {
  kind: ValidatorKind
  source: WorkSource
  spec: OfferSpec
}

interface LeaseContext {
  options: typeof SCHEDULER_DEFAULTS & SchedulerOptions
  book: ShardBook
  store: ShardStore
  now: () => number
  offer: (offerId: string) => OfferEntry | undefined
}

const refuse = (
  offerId: string,
  reason: RefusalReason,
  message: string,
  retryAfterMs = 0,
): LeaseResponse => ({
  type: 'refusal',
  offerId,
  reason,
  message,
  retryAfterMs,
})

/** The buckets a lease counts against besides its peer; young identities' pools too. */
function bucketsOf(who: Requester, young: boolean): string[] {
  const keys: string[] = []
  if (who.connection != null) keys.push(`conn:${who.connection}`)
  if (who.range != null) keys.push(`range:${who.range}`)
  if (young && who.address != null) keys.push(`young-addr:${who.address}`)
  if (young && who.range != null) keys.push(`young-range:${who.range}`)
  return keys
}

/** FLOPs the requester may still take, or a refusal saying which cap it reached. */
function roomFor(ctx: LeaseContext, who: Requester, verified: number, offerId: string) {
  const { options, book } = ctx
  const allowance = Math.min(options.maxAllowanceFlops, options.baseAllowanceFlops + verified)
  const held = book.held(who.peer)
  const refusal = (reason: RefusalReason, message: string, retryAfterMs: number) => ({
    refusal: refuse(offerId, reason, message, retryAfterMs),
  })
  if (who.connection != null && book.bucket(`conn:${who.connection}`).count >= options.maxConnectionLeases) {
    return refusal('over-allowance', 'hand in results first: this connection holds too many leases', 1000)
  }
  const young = verified < options.baseAllowanceFlops
  const range = who.range == null ? undefined : book.bucket(`range:${who.range}`)
  const youngRange = young && who.range != null ? book.bucket(`young-range:${who.range}`) : undefined
  if ((youngRange?.bytes ?? 0) >= options.youngRangeBytes) {
    const message =
      'new identities from your network hold all the work they may; verified work lifts the limit'
    return refusal('over-allowance', message, 5000)
  }
  if (
    held.bytes >= options.maxPeerBytes ||
    (range?.bytes ?? 0) >= options.maxRangeBytes ||
    book.totals().bytes >= options.maxTotalBytes
  ) {
    return refusal('busy', 'too much work is out right now; try again shortly', 1000)
  }
  const limits = [allowance - held.flops, options.maxRangeFlops - (range?.flops ?? 0)]
  if (young && who.address != null) {
    limits.push(options.youngAddressFlops - book.bucket(`young-addr:${who.address}`).flops)
  }
  if (youngRange != null) limits.push(options.youngRangeFlops - youngRange.flops)
  const room = Math.min(...limits)
  if (room >= (ctx.offer(offerId)?.spec.minFlops ?? 0)) return { room, held, young }
  if (room === limits[0]) {
    const message = `hand in results first: ${(held.flops / 1e9).toFixed(1)} of your ${(allowance / 1e9).toFixed(1)} GFLOP allowance are leased`
    return refusal('over-allowance', message, 1000)
  }
  // New identities from one place wait for each other: a swarm of them shares a few allowances.
  const message = young
    ? 'new identities from your network hold all the work they may; verified work lifts the limit'
    : 'your network holds all the work it may right now'
  return refusal('over-allowance', message, 5000)
}

/** A grant sized to the peer's throughput and allowance, or a refusal that says why. */
async function lease(ctx: LeaseContext, who: Requester, request: LeaseRequest): Promise<LeaseResponse> {
  const { options, book, store, now } = ctx
  const { peer } = who
  const entry = ctx.offer(request.offerId)
  if (entry == null) return refuse(request.offerId, 'unknown-offer', 'this validator has no such offer')
  if (entry.kind.name !== request.kind || entry.kind.version !== request.kindVersion) {
    const { name, version } = entry.kind
    return refuse(request.offerId, 'unknown-kind', `offer ${request.offerId} is ${name} version ${version}`)
  }
  const verified = await options.verifiedFlops(peer)
  book.sweep(now())
  const space = roomFor(ctx, who, verified, request.offerId)
  if ('refusal' in space) return space.refusal
  const { room, held, young } = space
  const fps = request.flopsPerSecond > 0 ? request.flopsPerSecond : options.initialFlopsPerSecond
  // A newcomer's first shard is the smallest: its first receipt comes in a blink (and its inputs, a
  // weights panel, are the least it can wait for), and an unproven identity costs little. Its other
  // lanes, asking meanwhile, get shards of the full size.
  const first = verified === 0 && held.flops === 0
  const wanted = first ? entry.spec.minFlops : (fps * options.targetShardMs) / 1000
  const target = Math.max(entry.spec.minFlops, Math.min(entry.spec.maxFlops, room, wanted))
  const picked = await pick(ctx, entry, peer, room, target)
  if (picked == null) return refuse(request.offerId, 'busy', 'no work on this offer right now', 5000)

  const { o, fresh } = picked
  const at = now()
  const payload = entry.kind.grant.encode(o.shard.grant)
  const leaseId = crypto.randomUUID()
  const expiresAt = at + options.leaseTtlMs
  book.grant(o, {
    leaseId,
    shardId: o.shard.shardId,
    peer,
    flops: o.shard.flops,
    bytes: payload.byteLength,
    grantedAt: at,
    expiresAt,
    buckets: bucketsOf(who, young),
  })
  const row = { leaseId, peer, expiresAt }
  if (fresh) await store.cut(rowOf(o, at, row), o.shard.cursor)
  else await store.lease(o.shard.shardId, row)
  const { shardId, offerId, flops } = o.shard
  return {
    type: 'grant',
    leaseId,
    offerId,
    shardId,
    kind: entry.kind.name,
    kindVersion: entry.kind.version,
    expiresAt,
    flops,
    payload,
  }
}

/** A queued shard the peer may take, or a new one cut to `target`; and whether it is new. */
async function pick(ctx: LeaseContext, entry: OfferEntry, peer: string, room: number, target: number) {
  const queued = ctx.book.takeQueued(entry.spec.offerId, peer, room)
  if (queued != null) return { o: queued, fresh: false }
  for (let tries = 0; tries < 4; tries++) {
    const shard = entry.source.next(entry.spec.offerId, target)
    if (shard == null) return undefined
    const o = ctx.book.add(shard, entry.kind.name)
    if (!ctx.book.holdsGroup(shard.group, peer)) return { o, fresh: true }
    // A copy of a batch this peer already computed goes to someone else.
    await ctx.store.cut(rowOf(o, ctx.now(), null), shard.cursor)
    ctx.book.enqueue(entry.spec.offerId, shard.shardId, true)
  }
  return undefined
}
