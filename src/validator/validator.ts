/**
 * A Tessera validator: offers GEMM tiles on gossip, grants leases, verifies results with Freivalds,
 * signs receipts and credits the ledger. Transport-agnostic: the CLI gives it WebSocket addresses,
 * tests give it in-memory ones.
 */

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { sha256 } from '@noble/hashes/sha2.js'
import { serveBlobs } from '../p2p/blob-protocol.ts'
import { createServerNode, type TesseraNode } from '../p2p/node-server.ts'
import { loadOrCreatePeerKey } from '../p2p/peer-key.ts'
import { handleRequests } from '../p2p/rpc.ts'
import {
  decodeLeaseRequest,
  decodeResult,
  encodeClaimResponse,
  encodeLeaseResponse,
  encodeOffer,
  encodeResultResponse,
} from '../protocol/codec.ts'
import {
  CLAIM_PROTOCOL,
  LEASE_PROTOCOL,
  MESSAGE_LIMITS,
  RESULT_PROTOCOL,
  workTopic,
} from '../protocol/constants.ts'
import { signReceipt } from '../protocol/receipt.ts'
import type { LeaseResponse, Rejection, ResultResponse, WorkOutput } from '../protocol/types.ts'
import { canonicalAddress } from '../wallet/claim-message.ts'
import { bytesToHex } from '../wallet/hex.ts'
import { DEFAULT_ROUNDS } from '../work/gemm/freivalds.ts'
import { createSyntheticLayer } from '../work/gemm/synthetic-layer.ts'
import { createFileBlobStore } from './blob-store.ts'
import { type ChainOptions, submitSettlementOnChain } from './chain.ts'
import { createClaimService } from './claims.ts'
import { createEpochClock, type EpochClock, TEMPO_MS } from './epochs.ts'
import { DuplicateCreditError, type Ledger, type LedgerTotals, openLedger } from './ledger.ts'
import { createOnnxVerifier, type OnnxVerifier } from './onnx-verifier.ts'
import { createScheduler, type Scheduler } from './scheduler.ts'
import { formatTao, payoutProof, RAO_PER_TAO, settleEpoch, weightsVector } from './settlement.ts'
import { createGemmSource } from './sources/gemm-source.ts'
import { createInferSource } from './sources/infer-source.ts'
import type { WorkSource } from './sources/source.ts'
import type { SubnetConfig } from './subnet-config.ts'

const log = logger('tessera:validator')

export interface ValidatorOptions {
  netuid: number
  dataDir: string
  listen: string[]
  seed: number
  epochLengthMs?: number
  batchRows?: number
  inFeatures?: number
  outFeatures?: number
  tileRows?: number
  tileCols?: number
  leaseTtlMs?: number
  openOffers?: number
  /** How often open offers are re-published on gossip. */
  offerIntervalMs?: number
  /** Failed verifications in one epoch after which a contributor forfeits the epoch and is refused. */
  strikeLimit?: number
  freivaldsRounds?: number
  /** Credit factor for a result handed in after its lease expired. */
  lateQuality?: number
  /** Receipts of epoch e can be claimed until epoch e + claimEpochs ends; then e is settled. */
  claimEpochs?: number
  /** What the pool pays out per epoch, in rao (1e-9 TAO). */
  poolRao?: bigint
  /** Payout address -> Bittensor uid, for the weights export. */
  hotkeys?: Map<string, number>
  /** The subnet owner's inference models (`--models`); without it only GEMM work is offered. */
  subnet?: SubnetConfig
  /** Pay settled epochs on chain (off when omitted). */
  chain?: Omit<ChainOptions, 'netuid' | 'weights'>
}

export interface ValidatorStatus {
  netuid: number
  peerId: string
  multiaddrs: string[]
  epoch: number
  epochLengthMs: number
  offers: { open: number; leased: number }
  ledger: LedgerTotals
  peers: number
  /** Model bytes sent over /tessera/blob/1 since start. */
  blobBytesServed: number
  uptimeMs: number
}

export interface AddressClaims {
  address: string
  claims: Array<{
    claimId: string
    epochs: number[]
    credit: number
    recordedAt: number
    receiptsRoot: string
  }>
  payouts: Array<{
    epoch: number
    credit: number
    amountRao: string
    amountTao: string
    root: string
    proof: string[]
  }>
}

export interface Validator {
  readonly peerId: PeerId
  readonly node: TesseraNode
  readonly ledger: Ledger
  readonly epochs: EpochClock
  multiaddrs(): string[]
  status(): ValidatorStatus
  /** Settles every epoch whose claim window has closed; returns the epochs settled. */
  settleDue(): Promise<number[]>
  /** Claims and settled payouts (with Merkle proofs) of one payout address; undefined if not an address. */
  claimsFor(address: string): AddressClaims | undefined
  stop(): Promise<void>
}

export const VALIDATOR_DEFAULTS = {
  epochLengthMs: TEMPO_MS,
  batchRows: 256,
  inFeatures: 256,
  outFeatures: 512,
  tileRows: 64,
  tileCols: 64,
  leaseTtlMs: 60_000,
  openOffers: 32,
  offerIntervalMs: 1000,
  strikeLimit: 3,
  freivaldsRounds: DEFAULT_ROUNDS,
  lateQuality: 0.5,
  claimEpochs: 1,
  poolRao: RAO_PER_TAO,
} as const

export async function createValidator(init: ValidatorOptions): Promise<Validator> {
  const options = { ...VALIDATOR_DEFAULTS, ...init }
  const startedAt = Date.now()
  const privateKey = await loadOrCreatePeerKey(join(options.dataDir, 'peer.key'))
  const ledger = openLedger(join(options.dataDir, 'ledger.sqlite'))
  const epochs = createEpochClock(ledger, options.epochLengthMs)
  const node = await createServerNode({
    privateKey,
    listen: options.listen,
    scoredTopics: [workTopic(options.netuid)],
  })
  const validator = node.peerId.toString()
  const sources: WorkSource[] = [
    createGemmSource(createSyntheticLayer(options), ledger, options.freivaldsRounds),
  ]
  let verifier: OnnxVerifier | undefined
  let blobBytesServed = 0
  try {
    await addInferSource()
  } catch (err) {
    await node.stop()
    ledger.close()
    throw err
  }
  async function addInferSource(): Promise<void> {
    if (options.subnet == null) return
    const blobs = createFileBlobStore()
    const models = new Map<string, Uint8Array>()
    for (const model of options.subnet.models) {
      await blobs.add(model.path, model.sha256)
      models.set(model.sha256, new Uint8Array(await readFile(model.path)))
    }
    await serveBlobs(node, blobs, (_key, bytes) => {
      blobBytesServed += bytes
    })
    verifier = createOnnxVerifier({ models, sampleRate: options.subnet.sampleRate })
    sources.push(
      await createInferSource({
        models: options.subnet.models,
        verifier,
        ledger,
        seed: options.seed,
        canaryRate: options.subnet.canaryRate,
        redundancy: options.subnet.redundancy,
        // A replica outvoted after its receipt was issued: a strike like any failed verification.
        onLateFailure: (peer, offerId, message) => {
          const epoch = epochs.current()
          ledger.reject({
            leaseId: 'late',
            offerId,
            contributor: peer,
            epoch,
            reason: 'verification-failed',
            message,
            at: Date.now(),
          })
          if (isBanned(peer)) ledger.forfeit(peer, epoch)
        },
      }),
    )
  }
  const scheduler: Scheduler = createScheduler({ ...options, validator, sources, ledger, epochs })
  const topic = workTopic(options.netuid)

  const isBanned = (peer: string) =>
    ledger.rejectionsInEpoch(peer, epochs.current(), 'verification-failed') >= options.strikeLimit

  async function onLease(payload: Uint8Array, remote: PeerId): Promise<Uint8Array> {
    let response: LeaseResponse
    try {
      const request = decodeLeaseRequest(payload)
      response = isBanned(remote.toString())
        ? {
            type: 'refusal',
            offerId: request.offerId,
            reason: 'banned',
            message: 'too many failed verifications this epoch',
          }
        : scheduler.lease(remote.toString(), request)
    } catch (err) {
      response = {
        type: 'refusal',
        offerId: 'unknown',
        reason: 'bad-request',
        message: (err as Error).message,
      }
    }
    return encodeLeaseResponse(response)
  }

  async function onResult(payload: Uint8Array, remote: PeerId): Promise<Uint8Array> {
    const peer = remote.toString()
    const response = await judge(payload, peer)
    if (response.type === 'rejection')
      log('rejected %s from %s: %s', response.leaseId, peer, response.message)
    return encodeResultResponse(response)
  }

  async function judge(payload: Uint8Array, peer: string): Promise<ResultResponse> {
    let result: ReturnType<typeof decodeResult>
    try {
      result = decodeResult(payload)
    } catch (err) {
      return { type: 'rejection', leaseId: 'unknown', reason: 'bad-request', message: (err as Error).message }
    }
    const reject = (rejection: Rejection, offerId: string): ResultResponse => {
      const epoch = epochs.current()
      ledger.reject({ ...rejection, offerId, contributor: peer, epoch, at: Date.now() })
      if (rejection.reason === 'verification-failed' && isBanned(peer)) {
        const voided = ledger.forfeit(peer, epoch)
        log('banned %s for epoch %d, voided %d receipts', peer, epoch, voided)
      }
      return { type: 'rejection', ...rejection }
    }
    const { leaseId } = result
    if (isBanned(peer)) {
      return {
        type: 'rejection',
        leaseId,
        reason: 'banned',
        message: 'too many failed verifications this epoch',
      }
    }
    const claim = scheduler.claim(leaseId, peer)
    if (!claim.ok) return { type: 'rejection', leaseId, reason: claim.reason, message: claim.message }

    const { item, lease, late } = claim
    const suspect = ledger.rejectionsInEpoch(peer, epochs.current(), 'verification-failed') > 0
    const source = sources.find((x) => x.kind === item.kind)!
    const verdict = await source.verify(item, result.output, { peer, suspect })
    if (!verdict.ok) {
      scheduler.release(leaseId)
      return reject({ leaseId, reason: verdict.reason, message: verdict.message }, lease.offerId)
    }
    const flops = item.flops
    const quality = verdict.quality * (late ? options.lateQuality : 1)
    const digest = outputDigest(result.output)
    const receipt = await signReceipt(
      {
        netuid: options.netuid,
        validator,
        contributor: peer,
        receiptId: crypto.randomUUID(),
        leaseId,
        offerId: lease.offerId,
        kind: item.kind,
        flops,
        credit: (flops / 1e9) * quality,
        epoch: epochs.current(),
        issuedAt: Date.now(),
        resultDigest: digest,
      },
      privateKey,
    )
    try {
      ledger.credit(receipt)
    } catch (err) {
      if (err instanceof DuplicateCreditError) {
        return { type: 'rejection', leaseId, reason: 'already-completed', message: err.message }
      }
      throw err
    } finally {
      scheduler.complete(leaseId)
    }
    return { type: 'receipt', ...receipt }
  }

  const claims = createClaimService({
    netuid: options.netuid,
    validator,
    privateKey,
    ledger,
    epochs,
    claimEpochs: options.claimEpochs,
  })
  const onClaim = async (payload: Uint8Array, remote: PeerId) => {
    const response = await claims.handle(payload, remote.toString())
    if (response.type === 'rejection') log('claim from %p rejected: %s', remote, response.message)
    return encodeClaimResponse(response)
  }

  let settling: Promise<number[]> | undefined
  const settleDue = (): Promise<number[]> => {
    settling ??= (async () => {
      const done: number[] = []
      for (const epoch of ledger.unsettledEpochs(epochs.current() - options.claimEpochs)) {
        const settlement = await settleEpoch({
          ledger,
          epoch,
          pool: options.poolRao,
          netuid: options.netuid,
          outDir: join(options.dataDir, 'payouts'),
          uids: options.hotkeys,
        })
        log('settled epoch %d', epoch)
        if (options.chain != null) {
          const weights = options.hotkeys ? weightsVector(settlement.payouts, options.hotkeys) : undefined
          const txs = await submitSettlementOnChain(settlement, {
            ...options.chain,
            netuid: options.netuid,
            weights,
          })
          log('epoch %d paid on chain: %o', epoch, txs)
        }
        done.push(epoch)
      }
      return done
    })().finally(() => {
      settling = undefined
    })
    return settling
  }
  const settleTimer = setInterval(
    () => void settleDue().catch((err) => log.error('settlement failed: %e', err)),
    Math.min(options.epochLengthMs / 4, 60_000),
  )

  const onRpcError = (err: unknown, remote: PeerId) => log.error('stream from %p failed: %e', remote, err)
  await handleRequests(node, LEASE_PROTOCOL, onLease, {
    maxRequestBytes: MESSAGE_LIMITS.leaseRequest,
    onError: onRpcError,
  })
  await handleRequests(node, RESULT_PROTOCOL, onResult, {
    maxRequestBytes: MESSAGE_LIMITS.result,
    onError: onRpcError,
  })
  await handleRequests(node, CLAIM_PROTOCOL, onClaim, {
    maxRequestBytes: MESSAGE_LIMITS.claimRequest,
    onError: onRpcError,
  })

  node.services.pubsub.subscribe(topic)
  const publishOffers = async () => {
    for (const offer of scheduler.offers()) {
      await node.services.pubsub
        .publish(topic, encodeOffer(offer))
        .catch((err) => log.error('publish failed: %e', err))
    }
  }
  let publishing: Promise<void> | undefined
  const timer = setInterval(() => {
    publishing ??= publishOffers().finally(() => {
      publishing = undefined
    })
  }, options.offerIntervalMs)
  // New subscribers get the open offers at once rather than at the next tick.
  node.services.pubsub.addEventListener('subscription-change', (evt) => {
    if (evt.detail.subscriptions.some((s) => s.topic === topic && s.subscribe)) void publishOffers()
  })

  return {
    peerId: node.peerId,
    node,
    ledger,
    epochs,
    multiaddrs: () => node.getMultiaddrs().map((ma) => ma.toString()),
    status: () => ({
      netuid: options.netuid,
      peerId: validator,
      multiaddrs: node.getMultiaddrs().map((ma) => ma.toString()),
      epoch: epochs.current(),
      epochLengthMs: epochs.lengthMs,
      offers: scheduler.stats(),
      ledger: ledger.totals(),
      peers: node.getPeers().length,
      blobBytesServed,
      uptimeMs: Date.now() - startedAt,
    }),
    settleDue,
    claimsFor(input) {
      const address = canonicalAddress(input)
      if (address == null) return undefined
      return {
        address,
        claims: ledger.claimsFor(address).map((c) => ({
          claimId: c.claimId,
          epochs: c.epochs,
          credit: c.credit,
          recordedAt: c.recordedAt,
          receiptsRoot: bytesToHex(c.receiptsRoot),
        })),
        payouts: ledger.payoutsFor(address).map((p) => {
          const settlement = ledger.settlement(p.epoch)!
          return {
            epoch: p.epoch,
            credit: p.credit,
            amountRao: String(p.amount),
            amountTao: formatTao(p.amount),
            root: bytesToHex(settlement.payoutRoot!),
            proof: payoutProof(settlement, address),
          }
        }),
      }
    },
    async stop() {
      clearInterval(timer)
      clearInterval(settleTimer)
      await publishing
      await settling
      await node.stop()
      await verifier?.close()
      ledger.close()
    },
  }
}

/** sha256 of the result's bytes, as kept in the receipt: GEMM's C, or every output tensor in order. */
function outputDigest(output: WorkOutput): Uint8Array {
  const parts =
    output.kind === 'gemm'
      ? [output.c.data]
      : output.outputs.flatMap((t) => [new TextEncoder().encode(t.name), t.data])
  const hash = sha256.create()
  for (const p of parts) hash.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength))
  return hash.digest()
}
