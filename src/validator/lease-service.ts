/** /tessera/lease/3 (and /2): a contributor asks for a shard of an offer; banned contributors are refused. */

import { Offence } from '../p2p/rpc.ts'
import { decodeLeaseRequest, encodeLeaseResponse } from '../protocol/codec.ts'
import type { LeaseRequest, LeaseResponse } from '../protocol/types.ts'
import type { Requester } from './requester.ts'
import type { Scheduler } from './scheduler.ts'
import { REFUSED_MESSAGE, type Strikes } from './strikes.ts'

export interface LeaseServiceOptions {
  scheduler: Scheduler
  strikes: Strikes
}

/** What went over the lease and result streams, for /api/status. */
/** What one kind moved: grant bytes sent, result bytes of credited results received, FLOPs credited. */
export interface KindWire {
  grantBytes: number
  resultBytes: number
  verifiedFlops: number
}

export interface WireStats {
  grantBytes: number
  resultBytes: number
  leases: number
  /** Per kind (the validator's own kinds only: counted for grants and credited results). */
  kinds: Record<string, KindWire>
  /** The last lease answers' times (ms), newest last. */
  leaseMs: number[]
}

export interface LeaseService {
  readonly wire: WireStats
  /** The stream handler: bytes in, bytes out (a malformed request is an Offence); never throws for bad input. */
  handle(payload: Uint8Array, who: Requester): Promise<Uint8Array | Offence>
  /** Answers a decoded request (also asked for in the same round trip as a result). */
  answer(request: LeaseRequest, who: Requester): Promise<LeaseResponse>
}

/** Recent lease decision times kept for /metrics' latency figures. */
const LEASE_TIMES_KEPT = 1000
/** A banned contributor is told to come back no sooner than this (it stays banned for the epoch). */
const BANNED_RETRY_MS = 60_000

export function createLeaseService({ scheduler, strikes }: LeaseServiceOptions): LeaseService {
  const wire: WireStats = { grantBytes: 0, resultBytes: 0, leases: 0, kinds: {}, leaseMs: [] }
  async function answer(request: LeaseRequest, who: Requester): Promise<LeaseResponse> {
    const started = performance.now()
    const response = await decide(request, who)
    if (response.type === 'grant') {
      wire.grantBytes += response.payload.byteLength
      kindWire(wire, response.kind).grantBytes += response.payload.byteLength
      wire.leases++
      wire.leaseMs.push(performance.now() - started)
      if (wire.leaseMs.length > LEASE_TIMES_KEPT) wire.leaseMs.shift()
    }
    return response
  }

  async function decide(request: LeaseRequest, who: Requester): Promise<LeaseResponse> {
    if (await strikes.banned(who.peer)) {
      return {
        type: 'refusal',
        offerId: request.offerId,
        reason: 'banned',
        message: REFUSED_MESSAGE,
        retryAfterMs: BANNED_RETRY_MS,
      }
    }
    return scheduler.lease(who, request)
  }

  return {
    wire,
    answer,
    async handle(payload, who) {
      let request: LeaseRequest
      try {
        request = decodeLeaseRequest(payload)
      } catch (err) {
        const response = encodeLeaseResponse({
          type: 'refusal',
          offerId: 'unknown',
          reason: 'bad-request',
          message: (err as Error).message.slice(0, 500),
          retryAfterMs: 0,
        })
        return new Offence(response, 'malformed lease request')
      }
      return encodeLeaseResponse(await answer(request, who))
    },
  }
}

/** A kind's counters, made at its first grant. */
export function kindWire(wire: WireStats, kind: string): KindWire {
  wire.kinds[kind] ??= { grantBytes: 0, resultBytes: 0, verifiedFlops: 0 }
  return wire.kinds[kind]
}
