/**
 * /tessera/result/2: a contributor hands in a shard's result. It is decoded by its kind's codec,
 * judged by its source, and either credited (a receipt signed by the validator, one ledger
 * transaction) or rejected with its reason. A result may ask for the next lease in the same round trip.
 */
import type { PrivateKey } from '@libp2p/interface'
import { sha256 } from '@noble/hashes/sha2.js'
import { Offence } from '../p2p/rpc.ts'
import { decodeResult, encodeResultResponse } from '../protocol/codec.ts'
import { signReceipt } from '../protocol/receipt.ts'
import type { Rejection, ResultOutcome, ResultResponse, WorkResult } from '../protocol/types.ts'
import type { Audit } from './audit.ts'
import type { EpochClock } from './epochs.ts'
import { kindWire, type LeaseService } from './lease-service.ts'
import { DuplicateCreditError, type ReceiptStore } from './ledger/index.ts'
import type { Requester } from './requester.ts'
import type { Scheduler } from './scheduler.ts'
import { REFUSED_MESSAGE, type Strikes } from './strikes.ts'

export interface ResultServiceOptions {
  netuid: number
  validator: string
  privateKey: PrivateKey
  scheduler: Scheduler
  leases: LeaseService
  receipts: ReceiptStore
  strikes: Strikes
  /** Which results are recomputed in full whatever the kind samples. */
  audit: Audit
  epochs: EpochClock
  /** Credit factor for a result handed in after its lease expired. */
  lateQuality: number
  log?: (message: string) => void
}

export interface ResultService {
  /** A malformed result is an Offence. */
  handle(payload: Uint8Array, who: Requester): Promise<Uint8Array | Offence>
}

export function createResultService(options: ResultServiceOptions): ResultService {
  const { scheduler, receipts, strikes, audit, epochs } = options

  async function judge(result: WorkResult, peer: string): Promise<ResultOutcome> {
    const { leaseId } = result
    const rejection = (reason: Rejection['reason'], message: string): ResultOutcome => ({
      type: 'rejection',
      leaseId,
      reason,
      message,
    })
    if (await strikes.banned(peer)) return rejection('banned', REFUSED_MESSAGE)
    const found = scheduler.lookup(leaseId, peer)
    if (!found.ok) return rejection(found.reason, found.message)
    const { lease, shard, kind, source, late } = found
    const strike = async (reason: Rejection['reason'], message: string) => {
      await scheduler.release(leaseId)
      await strikes.record({ leaseId, shardId: shard.shardId, contributor: peer, reason, message })
      return rejection(reason, message)
    }
    if (result.kind !== kind.name || result.kindVersion !== kind.version) {
      return strike('unknown-kind', `this lease is for ${kind.name} version ${kind.version}`)
    }
    let output: unknown
    try {
      output = kind.result.decode(result.payload)
    } catch (err) {
      return strike('bad-request', (err as Error).message.slice(0, 500))
    }
    const verdict = await source.verify(shard, output, {
      peer,
      suspect: await strikes.suspect(peer),
      audit: audit.pick(peer, epochs.current()),
    })
    if (!verdict.ok && verdict.reason === 'stale') {
      // Honest work the source can no longer use: the lease ends, no credit, no strike.
      await scheduler.release(leaseId)
      return rejection(verdict.reason, verdict.message)
    }
    if (!verdict.ok) return strike(verdict.reason, verdict.message)
    // Banned while this result was being verified: no more receipts this epoch.
    if (await strikes.banned(peer)) return rejection('banned', REFUSED_MESSAGE)

    const moved = kindWire(options.leases.wire, kind.name)
    moved.resultBytes += result.payload.byteLength
    moved.verifiedFlops += lease.flops
    const quality = verdict.quality * (late ? options.lateQuality : 1)
    const receipt = await signReceipt(
      {
        netuid: options.netuid,
        validator: options.validator,
        contributor: peer,
        receiptId: crypto.randomUUID(),
        leaseId,
        shardId: shard.shardId,
        offerId: shard.offerId,
        kind: kind.name,
        flops: lease.flops,
        credit: (lease.flops / 1e9) * quality,
        epoch: epochs.current(),
        issuedAt: Date.now(),
        resultDigest: sha256(result.payload),
      },
      options.privateKey,
    )
    try {
      await receipts.credit(receipt)
    } catch (err) {
      if (err instanceof DuplicateCreditError) return rejection('already-completed', err.message)
      throw err
    } finally {
      scheduler.complete(leaseId)
    }
    return { type: 'receipt', ...receipt }
  }

  return {
    async handle(payload, who) {
      const received = performance.now()
      const { peer } = who
      let result: WorkResult
      try {
        result = decodeResult(payload)
      } catch (err) {
        const message = (err as Error).message.slice(0, 500)
        const response = encodeResultResponse({
          type: 'rejection',
          leaseId: 'unknown',
          reason: 'bad-request',
          message,
        })
        return new Offence(response, 'malformed result')
      }
      options.leases.wire.resultBytes += result.payload.byteLength
      const outcome = await judge(result, peer)
      if (outcome.type === 'rejection')
        options.log?.(`rejected ${outcome.leaseId} from ${peer}: ${outcome.message}`)
      const response: ResultResponse =
        result.next != null ? { ...outcome, next: await options.leases.answer(result.next, who) } : outcome
      return encodeResultResponse({ ...response, heldMs: performance.now() - received })
    },
  }
}
