/** /tessera/lease/2: a contributor asks for a shard of an offer; banned contributors are refused. */
import { decodeLeaseRequest, encodeLeaseResponse } from '../protocol/codec.ts'
import type { LeaseRequest, LeaseResponse } from '../protocol/types.ts'
import type { Scheduler } from './scheduler.ts'
import type { Strikes } from './strikes.ts'

export interface LeaseServiceOptions {
  scheduler: Scheduler
  strikes: Strikes
}

export interface LeaseService {
  /** The stream handler: bytes in, bytes out; never throws for bad input. */
  handle(payload: Uint8Array, peer: string): Promise<Uint8Array>
  /** Answers a decoded request (also asked for in the same round trip as a result). */
  answer(request: LeaseRequest, peer: string): Promise<LeaseResponse>
}

export function createLeaseService({ scheduler, strikes }: LeaseServiceOptions): LeaseService {
  async function answer(request: LeaseRequest, peer: string): Promise<LeaseResponse> {
    if (await strikes.banned(peer)) {
      return {
        type: 'refusal',
        offerId: request.offerId,
        reason: 'banned',
        message: 'too many failed verifications this epoch',
        retryAfterMs: 60_000,
      }
    }
    return scheduler.lease(peer, request)
  }

  return {
    answer,
    async handle(payload, peer) {
      let request: LeaseRequest
      try {
        request = decodeLeaseRequest(payload)
      } catch (err) {
        return encodeLeaseResponse({
          type: 'refusal',
          offerId: 'unknown',
          reason: 'bad-request',
          message: (err as Error).message.slice(0, 500),
          retryAfterMs: 0,
        })
      }
      return encodeLeaseResponse(await answer(request, peer))
    },
  }
}
