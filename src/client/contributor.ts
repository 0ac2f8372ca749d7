/**
 * The contributor engine: offers -> lease -> compute -> result -> receipt, in a loop until stopped.
 * It runs the same in a browser tab (WebGPU engine) and in Node (CPU engine, tests), and reports
 * everything a UI shows through `onEvent`.
 */
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { MatmulEngine } from '../gpu/engine.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { request } from '../p2p/rpc.ts'
import {
  decodeLeaseResponse,
  decodeResultResponse,
  encodeLeaseRequest,
  encodeResult,
} from '../protocol/codec.ts'
import { LEASE_PROTOCOL, MESSAGE_LIMITS, RESULT_PROTOCOL } from '../protocol/constants.ts'
import { verifyReceipt } from '../protocol/receipt.ts'
import type {
  LeaseGrant,
  NamedTensor,
  Rejection,
  SignedReceipt,
  WorkOffer,
  WorkOutput,
} from '../protocol/types.ts'
import { executeGemm } from '../work/gemm/index.ts'
import { createOfferBook, type OfferBook } from './offer-book.ts'
import type { ReceiptStore } from './receipt-store.ts'

export interface ContributorStats {
  accepted: number
  rejected: number
  credit: number
  /** GFLOP/s of the engine over the recent shards (compute time only). */
  gflops: number
  running: boolean
}

export type ContributorEvent =
  | { type: 'leased'; offer: WorkOffer; leaseId: string }
  | { type: 'accepted'; receipt: SignedReceipt; computeMs: number }
  | { type: 'rejected'; rejection: Rejection }
  | { type: 'refused'; offerId: string; reason: string }
  | { type: 'error'; error: Error }
  | { type: 'stats'; stats: ContributorStats }

export interface ContributorOptions {
  node: TesseraNode
  netuid: number
  engine: MatmulEngine
  /** Runs `infer` shards; without it the contributor leases GEMM work only. */
  infer?: InferRunner
  store?: ReceiptStore
  /** Fraction of wall time the engine may be busy, in (0, 1]; the rest is spent idle. */
  dutyCycle?: number
  /** Shards in flight at once: 2 lets one upload while the next computes. */
  concurrency?: number
  onEvent?: (event: ContributorEvent) => void
}

/** Runs one ONNX model shard: fetches the model from the validator (or a cache), runs it, returns outputs. */
export interface InferRunner {
  run(model: string, inputs: NamedTensor[], validator: PeerId): Promise<NamedTensor[]>
}

export interface Contributor {
  start(): void
  /** Stops leasing and computing; resolves when every loop has ended. */
  stop(): Promise<void>
  stats(): ContributorStats
  setDutyCycle(dutyCycle: number): void
}

/** Recent shards kept for the GFLOP/s figure. */
const RATE_WINDOW = 16
/** Back-off after an error or a refusal for too many leases, so a broken link is not hammered. */
const BACKOFF_MS = 1000
/**
 * How long stop() waits for shards in flight. A GPU or ORT run cannot be cancelled; one that never
 * returns (a wedged driver) must not keep Stop from stopping everything else.
 */
const STOP_GRACE_MS = 5000

export function createContributor(options: ContributorOptions): Contributor {
  const { node, netuid, engine, store } = options
  const concurrency = options.concurrency ?? 2
  let dutyCycle = clampDuty(options.dutyCycle ?? 1)
  let controller: AbortController | undefined
  let loops: Promise<void>[] = []
  let book: OfferBook | undefined
  const recent: Array<{ flops: number; ms: number }> = []
  const totals = { accepted: 0, rejected: 0, credit: 0 }
  const self = node.peerId.toString()

  const stats = (): ContributorStats => {
    const flops = recent.reduce((s, r) => s + r.flops, 0)
    const ms = recent.reduce((s, r) => s + r.ms, 0)
    return { ...totals, gflops: ms > 0 ? flops / ms / 1e6 : 0, running: controller != null }
  }
  const emit = (event: ContributorEvent) => options.onEvent?.(event)

  async function runShard(offer: WorkOffer, signal: AbortSignal): Promise<void> {
    const validator = peerIdFromString(offer.validator)
    const leaseBytes = await request(
      node,
      validator,
      LEASE_PROTOCOL,
      encodeLeaseRequest({ offerId: offer.offerId, engine: engine.name }),
      { maxResponseBytes: MESSAGE_LIMITS.leaseResponse, signal },
    )
    const lease = decodeLeaseResponse(leaseBytes)
    if (lease.type === 'refusal') {
      emit({ type: 'refused', offerId: lease.offerId, reason: lease.reason })
      if (lease.reason === 'too-many-leases' || lease.reason === 'banned') await sleep(BACKOFF_MS, signal)
      return
    }
    checkGrant(offer, lease)
    emit({ type: 'leased', offer, leaseId: lease.leaseId })

    const started = performance.now()
    const work = lease.work
    const output: WorkOutput =
      work.kind === 'gemm'
        ? { kind: 'gemm', c: await executeGemm(work, engine) }
        : { kind: 'infer', outputs: await options.infer!.run(work.model, work.inputs, validator) }
    const computeMs = performance.now() - started

    // Not tied to `signal`: a result computed before Stop is still handed in and its receipt kept,
    // so the contributor's receipts and the validator's ledger never disagree. The RPC timeout bounds it.
    const responseBytes = await request(
      node,
      validator,
      RESULT_PROTOCOL,
      encodeResult({
        leaseId: lease.leaseId,
        output,
        engine: engine.name,
        elapsedMs: Math.round(computeMs),
      }),
      { maxResponseBytes: MESSAGE_LIMITS.resultResponse },
    )
    const response = decodeResultResponse(responseBytes)
    if (response.type === 'rejection') {
      totals.rejected++
      emit({ type: 'rejected', rejection: response })
    } else {
      const receipt = await verifyReceipt(response.bodyBytes, response.signature, {
        validator: offer.validator,
        contributor: self,
        leaseId: lease.leaseId,
      })
      await store?.put(receipt)
      totals.accepted++
      totals.credit += receipt.body.credit
      recent.push({ flops: receipt.body.flops, ms: computeMs })
      if (recent.length > RATE_WINDOW) recent.shift()
      emit({ type: 'accepted', receipt, computeMs })
    }
    emit({ type: 'stats', stats: stats() })
    if (dutyCycle < 1 && !signal.aborted) await sleep(computeMs * (1 / dutyCycle - 1), signal)
  }

  async function loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        // Infer offers only when this contributor can run models.
        const offer = await book!.take(signal, (o) => o.kind === 'gemm' || options.infer != null)
        await runShard(offer, signal)
      } catch (err) {
        if (signal.aborted) return
        emit({ type: 'error', error: err as Error })
        await sleep(BACKOFF_MS, signal).catch(() => {})
      }
    }
  }

  return {
    start() {
      if (controller != null) return
      controller = new AbortController()
      book = createOfferBook(node.services.pubsub, netuid)
      const signal = controller.signal
      loops = Array.from({ length: concurrency }, () => loop(signal))
      emit({ type: 'stats', stats: stats() })
    },
    async stop() {
      if (controller == null) return
      controller.abort()
      book?.close()
      await Promise.race([
        Promise.allSettled(loops),
        new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS)),
      ])
      controller = undefined
      book = undefined
      loops = []
      emit({ type: 'stats', stats: stats() })
    },
    stats,
    setDutyCycle(value) {
      dutyCycle = clampDuty(value)
    },
  }
}

/** A grant for other dimensions than the offer advertised is the validator's fault; do not compute it. */
function checkGrant(offer: WorkOffer, grant: LeaseGrant): void {
  const work = grant.work
  const mismatch =
    work.kind !== offer.kind ||
    (work.kind === 'gemm' &&
      (work.a.rows !== offer.m || work.a.cols !== offer.k || work.b.cols !== offer.n)) ||
    (work.kind === 'infer' && work.model !== offer.model)
  if (grant.offerId !== offer.offerId || mismatch) {
    throw new Error(
      `lease for ${grant.offerId} does not match offer ${offer.offerId} (${offer.m}x${offer.k}x${offer.n})`,
    )
  }
}

function clampDuty(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0.05, value)) : 1
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
