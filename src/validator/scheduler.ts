/**
 * Which tiles are on offer and who holds a lease on which. In memory: a restart drops open leases,
 * and their tiles are offered again (the ledger remembers what was completed and where the tile
 * cursor stood, so nothing is credited twice and no tile is skipped).
 */
import type { LeaseRequest, LeaseResponse, RejectionReason, WorkOffer } from '../protocol/types.ts'
import { flopsOf } from '../work/gemm/index.ts'
import type { GemmTile, SyntheticLayer } from '../work/gemm/synthetic-layer.ts'
import type { EpochClock } from './epochs.ts'
import type { Ledger } from './ledger.ts'

export interface SchedulerOptions {
  netuid: number
  validator: string
  layer: SyntheticLayer
  ledger: Pick<Ledger, 'getMeta' | 'setMeta' | 'isOfferCompleted'>
  epochs: EpochClock
  /** Tiles kept on offer at once. */
  openOffers?: number
  /** How long a contributor has to hand in a result before the tile is offered again. */
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

interface OpenTile {
  offerId: string
  tile: GemmTile
  leaseId?: string
}

export type ClaimOutcome =
  | { ok: true; lease: Lease; tile: GemmTile; late: boolean }
  | { ok: false; reason: RejectionReason; message: string }

export interface Scheduler {
  /** Open offers nobody holds a lease on, with fresh expiry times, for gossip. */
  offers(): WorkOffer[]
  lease(peer: string, request: LeaseRequest): LeaseResponse
  /** Looks up the lease a result is for; late results (lease expired, tile not yet done) are allowed. */
  claim(leaseId: string, peer: string): ClaimOutcome
  /** The tile's result was accepted: it leaves the offer pool for good. */
  complete(leaseId: string): void
  /** The tile's result was rejected: offer it again. */
  release(leaseId: string): void
  /** Expires leases past their time, putting their tiles back on offer. */
  sweep(): void
  stats(): { open: number; leased: number }
}

const CURSOR_KEY = 'gemm_cursor'

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { netuid, validator, layer, ledger, epochs } = options
  const openOffers = options.openOffers ?? 32
  const leaseTtlMs = options.leaseTtlMs ?? 60_000
  const offerTtlMs = options.offerTtlMs ?? 30_000
  const maxLeasesPerPeer = options.maxLeasesPerPeer ?? 4
  const now = options.now ?? Date.now

  const tiles = new Map<string, OpenTile>()
  const leases = new Map<string, Lease>()
  /** Expired leases kept for one more TTL so a slightly late result still counts (at lower quality). */
  const expired = new Map<string, Lease>()
  let cursor = parseCursor(ledger.getMeta(CURSOR_KEY))

  function fill(): void {
    while (tiles.size < openOffers) {
      const { batch, tile } = cursor
      cursor = tile + 1 < layer.tilesPerBatch ? { batch, tile: tile + 1 } : { batch: batch + 1, tile: 0 }
      const offerId = `b${batch}t${tile}`
      if (ledger.isOfferCompleted(offerId)) continue
      tiles.set(offerId, { offerId, tile: layer.tile(batch, tile) })
    }
    ledger.setMeta(CURSOR_KEY, `${cursor.batch}:${cursor.tile}`)
  }

  function offerOf(open: OpenTile, at: number): WorkOffer {
    const { a, b } = open.tile
    return {
      netuid,
      validator,
      offerId: open.offerId,
      kind: 'gemm',
      m: a.rows,
      n: b.cols,
      k: a.cols,
      flops: flopsOf(a.rows, b.cols, a.cols),
      expiresAt: at + offerTtlMs,
      epoch: epochs.current(at),
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
      const open = tiles.get(lease.offerId)
      if (open?.leaseId === leaseId) open.leaseId = undefined
    }
  }

  return {
    offers() {
      sweep()
      fill()
      const at = now()
      return [...tiles.values()].filter((t) => t.leaseId == null).map((t) => offerOf(t, at))
    },

    lease(peer, request) {
      sweep()
      const refuse = (reason: 'unknown-offer' | 'already-leased' | 'too-many-leases', message: string) =>
        ({ type: 'refusal', offerId: request.offerId, reason, message }) as const
      const open = tiles.get(request.offerId)
      if (open == null) return refuse('unknown-offer', 'this offer is no longer open')
      if (open.leaseId != null) return refuse('already-leased', 'another contributor holds this offer')
      if (leasesOf(peer) >= maxLeasesPerPeer) {
        return refuse('too-many-leases', `hand in a result first: at most ${maxLeasesPerPeer} leases at once`)
      }
      const at = now()
      const lease: Lease = {
        leaseId: crypto.randomUUID(),
        offerId: open.offerId,
        peer,
        grantedAt: at,
        expiresAt: at + leaseTtlMs,
      }
      leases.set(lease.leaseId, lease)
      open.leaseId = lease.leaseId
      return {
        type: 'grant',
        leaseId: lease.leaseId,
        offerId: open.offerId,
        expiresAt: lease.expiresAt,
        work: { kind: 'gemm', a: open.tile.a, b: open.tile.b },
      }
    },

    claim(leaseId, peer) {
      sweep()
      const live = leases.get(leaseId)
      const lease = live ?? expired.get(leaseId)
      if (lease == null) return { ok: false, reason: 'unknown-lease', message: `no lease ${leaseId} is open` }
      if (lease.peer !== peer)
        return { ok: false, reason: 'not-your-lease', message: 'this lease was granted to another peer' }
      const open = tiles.get(lease.offerId)
      if (open == null) {
        return {
          ok: false,
          reason: 'already-completed',
          message: `offer ${lease.offerId} was completed by someone else`,
        }
      }
      return { ok: true, lease, tile: open.tile, late: live == null }
    },

    complete(leaseId) {
      const lease = leases.get(leaseId) ?? expired.get(leaseId)
      leases.delete(leaseId)
      expired.delete(leaseId)
      if (lease != null) tiles.delete(lease.offerId)
    },

    release(leaseId) {
      const lease = leases.get(leaseId) ?? expired.get(leaseId)
      leases.delete(leaseId)
      expired.delete(leaseId)
      const open = lease == null ? undefined : tiles.get(lease.offerId)
      if (open?.leaseId === leaseId) open.leaseId = undefined
    },

    sweep,

    stats() {
      let leased = 0
      for (const t of tiles.values()) if (t.leaseId != null) leased++
      return { open: tiles.size - leased, leased }
    },
  }
}

function parseCursor(value: string | undefined): { batch: number; tile: number } {
  const [batch, tile] = (value ?? '0:0').split(':').map(Number)
  return Number.isSafeInteger(batch) && Number.isSafeInteger(tile) ? { batch, tile } : { batch: 0, tile: 0 }
}
