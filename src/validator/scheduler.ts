/**
 * Who holds a lease on which shard. Offers are per kind (or per model); a lease request names an
 * offer and the contributor's measured throughput, and the scheduler cuts a shard from that offer's
 * source sized to take about `targetShardMs` on that contributor, or hands out a shard whose earlier
 * lease expired or whose result was rejected. Every shard cut is recorded in the ledger with its
 * lease and its source's cursor before the grant goes out, so a restart (restore()) brings back every
 * shard not yet credited: nothing is skipped and nothing is credited twice.
 *
 * A contributor's outstanding work is capped in FLOPs by an allowance that starts small and grows
 * with the work it has had verified, and in bytes: identities are free, verified work is not. A
 * newcomer (no verified work) holds one smallest shard until its first result is verified. Young
 * identities (less verified work than the base allowance) from one address, from one address range,
 * and all of them together share pools as small as a few identities' allowance; established
 * contributors have the rest of the validator's capacity to themselves, so a swarm of free ids on as
 * many addresses as it likes never gets them refused. Every lease also counts against its connection
 * (a number of leases) and its address range (FLOPs and bytes). Grants are not kept for their lease:
 * recent ones sit in a bounded cache and the rest are rebuilt from their shard id by their source.
 */
import type { LeaseRequest, LeaseResponse, RejectionReason, WorkOffer } from '../protocol/types.ts'
import type { Lessee, OfferSpec, Shard, ValidatorKind, WorkSource } from '../work/kind.ts'
import type { KindRegistry } from '../work/registry.ts'
import type { EpochClock } from './epochs.ts'
import { createGrantCache, type GrantCache } from './grant-cache.ts'
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
  /** FLOPs, grant bytes and leases all young identities may hold together, wherever they come from. */
  youngTotalFlops?: number
  youngTotalBytes?: number
  youngTotalLeases?: number
  /** FLOPs and grant bytes every identity of one address range may hold together. */
  maxRangeFlops?: number
  maxRangeBytes?: number
  /** Bytes of grants kept in memory between lease and result; older ones are rebuilt from their id. */
  grantCacheBytes?: number
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
  /** Grant bytes kept in memory (the rest are rebuilt from their ids when their results come). */
  keptGrantBytes: number
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
  youngTotalFlops: 1e12,
  youngTotalBytes: 256 * 1024 * 1024,
  youngTotalLeases: 4096,
  maxRangeFlops: 1e14,
  maxRangeBytes: 512 * 1024 * 1024,
  grantCacheBytes: 128 * 1024 * 1024,
}

/** How long a refused contributor is asked to wait: a held shard's answer, or others' leases to run out. */
const RETRY_SOON_MS = 1000
const RETRY_LATER_MS = 5000
const YOUNG_FULL =
  'new identities from your network hold all the work they may; verified work lifts the limit'

export function createScheduler(init: SchedulerOptions): Scheduler {
  const options = { ...SCHEDULER_DEFAULTS, ...init }
  const { netuid, validator, kinds, sources, shards: store, epochs } = options
  const now = options.now ?? Date.now
  const book = createShardBook(options.leaseTtlMs)
  const grants = createGrantCache(options.grantCacheBytes)
  /** The shard's grant: kept since its lease, or rebuilt from its id; undefined if its inputs are gone. */
  const grantOf = (o: OpenShard): unknown =>
    grants.get(o.shard.shardId) ?? sources.get(o.kind)?.restore(o.shard.shardId, o.shard.offerId)?.grant

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

    lease: (who, request) =>
      lease({ options, book, grants, grantOf, store, now, offer: entryOf }, who, request),

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
      const grant = grantOf(o)
      if (grant == null) {
        book.drop(o.shard.shardId)
        const message = `the inputs of shard ${o.shard.shardId} are gone (a model version no longer kept)`
        return { ok: false, reason: 'stale', message }
      }
      const { lease, late } = found
      const shard = { ...o.shard, grant }
      return { ok: true, lease, shard, kind: kinds.get(o.kind), source: sources.get(o.kind)!, late }
    },

    complete(leaseId) {
      const shardId = book.find(leaseId)?.lease.shardId
      book.complete(leaseId)
      if (shardId != null) grants.delete(shardId)
    },

    async release(leaseId) {
      const requeued = book.release(leaseId)
      if (requeued != null) await store.lease(requeued, null)
    },

    async restore() {
      let restored = 0
      for (const row of await store.open()) if (restoreShard(row)) restored++
      return restored
    },

    stats: () => ({ ...book.stats(), keptGrantBytes: grants.bytes }),
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
  grants: GrantCache
  grantOf: (o: OpenShard) => unknown
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

/** The bucket every young identity's lease counts against. */
const YOUNG = 'young'

/** The buckets a lease counts against besides its peer; young identities' pools too. */
function bucketsOf(who: Requester, young: boolean): string[] {
  const keys: string[] = []
  if (who.connection != null) keys.push(`conn:${who.connection}`)
  if (who.range != null) keys.push(`range:${who.range}`)
  if (young) keys.push(YOUNG)
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
    return refusal(
      'over-allowance',
      'hand in results first: this connection holds too many leases',
      RETRY_SOON_MS,
    )
  }
  // An unproven identity costs one small shard until it has shown it returns verified work.
  if (verified === 0 && held.count > 0) {
    const message = 'a new identity holds one shard until its first result is verified'
    return refusal('over-allowance', message, RETRY_LATER_MS)
  }
  const young = verified < options.baseAllowanceFlops
  const range = who.range == null ? undefined : book.bucket(`range:${who.range}`)
  const youngRange = young && who.range != null ? book.bucket(`young-range:${who.range}`) : undefined
  const youngAll = book.bucket(YOUNG)
  if (
    young &&
    (youngAll.count >= options.youngTotalLeases ||
      youngAll.bytes >= options.youngTotalBytes ||
      (youngRange?.bytes ?? 0) >= options.youngRangeBytes)
  ) {
    return refusal('over-allowance', YOUNG_FULL, RETRY_LATER_MS)
  }
  // Established contributors have all but the young identities' share to themselves.
  const established = book.totals().bytes - youngAll.bytes
  if (
    held.bytes >= options.maxPeerBytes ||
    (range?.bytes ?? 0) >= options.maxRangeBytes ||
    (!young && established >= options.maxTotalBytes - options.youngTotalBytes)
  ) {
    return refusal('busy', 'too much work is out right now; try again shortly', RETRY_SOON_MS)
  }
  const limits = [allowance - held.flops, options.maxRangeFlops - (range?.flops ?? 0)]
  if (young) {
    limits.push(options.youngTotalFlops - youngAll.flops)
    if (who.address != null) {
      limits.push(options.youngAddressFlops - book.bucket(`young-addr:${who.address}`).flops)
    }
  }
  if (youngRange != null) limits.push(options.youngRangeFlops - youngRange.flops)
  const room = Math.min(...limits)
  if (room >= (ctx.offer(offerId)?.spec.minFlops ?? 0)) return { room, held, young }
  if (room === limits[0]) {
    const message = `hand in results first: ${(held.flops / 1e9).toFixed(1)} of your ${(allowance / 1e9).toFixed(1)} GFLOP allowance are leased`
    return refusal('over-allowance', message, RETRY_SOON_MS)
  }
  // New identities from one place wait for each other: a swarm of them shares a few allowances.
  const message = young ? YOUNG_FULL : 'your network holds all the work it may right now'
  return refusal('over-allowance', message, RETRY_LATER_MS)
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
  const { room, young } = space
  const fps = request.flopsPerSecond > 0 ? request.flopsPerSecond : options.initialFlopsPerSecond
  // A newcomer's shard is the smallest: its first receipt comes in a blink (and its inputs, a weights
  // panel, are the least it can wait for), and an unproven identity costs little.
  const wanted = verified === 0 ? entry.spec.minFlops : (fps * options.targetShardMs) / 1000
  const target = Math.max(entry.spec.minFlops, Math.min(entry.spec.maxFlops, room, wanted))
  const lessee: Lessee = {
    ...(young ? {} : { peer }),
    flopsPerSecond: request.flopsPerSecond,
    uplinkBytesPerSecond: request.uplinkBytesPerSecond ?? 0,
    downlinkBytesPerSecond: request.downlinkBytesPerSecond ?? 0,
  }
  const picked = await pick(ctx, entry, peer, lessee, room, target)
  if (picked == null)
    return refuse(request.offerId, 'busy', 'no work on this offer right now', RETRY_LATER_MS)

  const { o, grant, fresh } = picked
  const at = now()
  const payload = entry.kind.grant.encode(grant)
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
  ctx.grants.put(o.shard.shardId, grant, payload.byteLength)
  const row = { leaseId, peer, expiresAt }
  if (fresh != null) await store.cut(rowOf(o, at, row), fresh.cursor)
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

/** A queued shard the peer may take, or a new one cut to `target`; with its grant, and the shard if new. */
async function pick(
  ctx: LeaseContext,
  entry: OfferEntry,
  peer: string,
  lessee: Lessee,
  room: number,
  target: number,
) {
  for (let queued = ctx.book.takeQueued(entry.spec.offerId, peer, room); queued != null; ) {
    const grant = ctx.grantOf(queued)
    if (grant != null) return { o: queued, grant, fresh: undefined }
    // Its inputs are gone (a training version no longer kept): nobody can compute it any more.
    ctx.book.drop(queued.shard.shardId)
    queued = ctx.book.takeQueued(entry.spec.offerId, peer, room)
  }
  for (let tries = 0; tries < 4; tries++) {
    const shard = entry.source.next(entry.spec.offerId, target, lessee)
    if (shard == null) return undefined
    const o = ctx.book.add(shard, entry.kind.name)
    if (!ctx.book.holdsGroup(shard.group, peer)) return { o, grant: shard.grant, fresh: shard }
    // A copy of a batch this peer already computed goes to someone else.
    await ctx.store.cut(rowOf(o, ctx.now(), null), shard.cursor)
    ctx.book.enqueue(entry.spec.offerId, shard.shardId, true)
  }
  return undefined
}
