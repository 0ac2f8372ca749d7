/**
 * The contributor engine: offers -> lease -> inputs -> compute -> result -> receipt, until stopped.
 * Several lanes run at once so the device never waits for the network: while one lane computes,
 * the others fetch leases and inputs and upload results, and a result asks for the next lease in the
 * same round trip. Lanes take turns on the device, so its busy time is measured per shard and the
 * throttle limits it. It runs the same in a browser tab (WebGPU or wasm) and in Node (CPU), and
 * reports everything a UI shows through `onEvent`.
 */
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { createBlobDownload } from '../p2p/blob-protocol.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { type Channel, createChannel } from '../p2p/rpc.ts'
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
  LeaseRequest,
  LeaseResponse,
  Rejection,
  SignedReceipt,
  WorkOffer,
} from '../protocol/types.ts'
import { CONTRIBUTOR_KINDS } from '../work/contributor-kinds.ts'
import type { AnyContributorKind, BlobOptions, Runtimes } from '../work/kind.ts'
import { createKindRegistry } from '../work/registry.ts'
import { createBlobMemo } from './blob-memo.ts'
import { createChoice } from './choice.ts'
import { localExecutor, type ShardExecutor } from './executor.ts'
import { createOfferBook, type OfferBook } from './offer-book.ts'
import type { ReceiptStore } from './receipt-store.ts'
import { createThroughput } from './throughput.ts'
import { createTrust, type Trust } from './trust.ts'

export interface ContributorStats {
  accepted: number
  rejected: number
  credit: number
  /** FLOP/s of the device over recent shards (compute time only), in GFLOP/s. */
  gflops: number
  /** Verified GFLOP/s over the last 20 s of wall time: what the validator credits. */
  deliveredGflops: number
  /** Round trip of a lease request to a validator (smoothed), in ms; absent before the first. */
  latencyMs?: number
  running: boolean
}

export type ContributorEvent =
  | { type: 'leased'; offer: WorkOffer; grant: LeaseGrant }
  | { type: 'accepted'; receipt: SignedReceipt; computeMs: number }
  | { type: 'rejected'; rejection: Rejection }
  | { type: 'refused'; offerId: string; reason: string }
  | { type: 'error'; error: Error }
  | { type: 'stats'; stats: ContributorStats }

/** Where blobs (models, weights) come from: the browser's cache first, else the validator. */
export type BlobFetcher = (sha256: string, from: PeerId, options?: BlobOptions) => Promise<Uint8Array>

export interface ContributorOptions {
  node: TesseraNode
  netuid: number
  /** Runs shards on these runtimes in this thread (Node, tests) … */
  runtimes?: Runtimes
  /** … or on this executor (the page's compute worker). One of the two is required. */
  executor?: ShardExecutor
  /** The kinds this contributor runs; CONTRIBUTOR_KINDS unless a test adds its own. */
  kinds?: readonly AnyContributorKind[]
  blobs?: BlobFetcher
  store?: ReceiptStore
  /** Fraction of wall time the device may be busy, in (0, 1]; the rest it idles. */
  dutyCycle?: number
  /** Shards in flight at once: one computes while the others fetch and upload. */
  lanes?: number
  onEvent?: (event: ContributorEvent) => void
  /**
   * The open market: each validator's reward rate (TAO per GFLOP, from the directory). Given, the
   * contributor works where its expected reward per second is highest (choice.ts); absent, it takes
   * offers in turn.
   */
  rate?: (validator: string) => number | undefined
  /** Which offers the visitor allows (a pinned subnet or validator, excluded ones). */
  allow?: (offer: WorkOffer) => boolean
  /** Subnets to hear offers from besides `netuid`. */
  subnets?: number[]
}

export interface Contributor {
  start(): void
  /** Stops leasing and computing; resolves when every lane has ended. */
  stop(): Promise<void>
  stats(): ContributorStats
  setDutyCycle(dutyCycle: number): void
  /** Hears offers of another subnet too (the directory found a validator there). */
  watchSubnet(netuid: number): void
  /** Trust in each validator, from how it treated this contributor's work (trust.ts). */
  readonly trust: Trust
  /** The market's choice, when `rate` was given: expected TAO/s of an offer here. */
  value(offer: WorkOffer): number | undefined
  /** Offers heard now, all subnets (empty when stopped). */
  offers(): WorkOffer[]
  /**
   * Paused: no new lease is taken (a shard already granted is finished and handed in) until resumed.
   * For a hidden tab or a laptop on battery.
   */
  setPaused(paused: boolean): void
}

/** A grant that does not match its offer, or whose declared cost is not its kind's cost of the payload. */
export class GrantMismatchError extends Error {
  static override name = 'GrantMismatchError'
  override name = 'GrantMismatchError'
}

type ChannelOf = (validator: string, protocol: string) => Channel

interface Job {
  offer: WorkOffer
  /** Absent: the offer to lease next (another validator's turn, no grant asked for yet). */
  grant?: LeaseGrant
}

/** Back-off after an error, so a broken link is not hammered. */
const BACKOFF_MS = 1000
/**
 * How long stop() waits for shards in flight. A GPU or ORT run cannot be cancelled; one that never
 * returns (a wedged driver) must not keep Stop from stopping everything else.
 */
const STOP_GRACE_MS = 5000

export function createContributor(options: ContributorOptions): Contributor {
  const { node, netuid, store } = options
  const executor = options.executor ?? localExecutor(required(options.runtimes, 'runtimes or executor'))
  const { engine } = executor
  const kinds = createKindRegistry(options.kinds ?? CONTRIBUTOR_KINDS)
  const lanes = options.lanes ?? 3
  const blobs = options.blobs ?? memoryBlobs(node)
  const rates = createThroughput()
  const trust = createTrust()
  const subnets = new Set([netuid, ...(options.subnets ?? [])])
  const choice =
    options.rate == null
      ? undefined
      : createChoice({
          throughput: (kind) => rates.flopsPerSecond(kind, engine.flopsPerSecond ?? 0),
          rate: options.rate,
          trust,
        })
  const choose = choice == null ? undefined : (offers: WorkOffer[]) => choice.choose(offers)
  let dutyCycle = clampDuty(options.dutyCycle ?? 1)
  let paused = false
  const resumers = new Set<() => void>()
  let controller: AbortController | undefined
  let running: Promise<void>[] = []
  let book: OfferBook | undefined
  let device: Promise<void> = Promise.resolve()
  const totals = { accepted: 0, rejected: 0, credit: 0 }
  const self = node.peerId.toString()

  let latencyMs: number | undefined
  const stats = (): ContributorStats => ({
    ...totals,
    gflops: rates.devicePerSecond() / 1e9,
    deliveredGflops: rates.deliveredPerSecond() / 1e9,
    ...(latencyMs != null ? { latencyMs } : {}),
    running: controller != null,
  })
  const emit = (event: ContributorEvent) => options.onEvent?.(event)
  const runnable = (offer: WorkOffer) =>
    (options.allow?.(offer) ?? true) &&
    kinds.has(offer.kind) &&
    kinds.get(offer.kind).version === offer.kindVersion &&
    executor.canRun(kinds.get(offer.kind))

  const leaseRequest = (offer: WorkOffer): LeaseRequest => ({
    offerId: offer.offerId,
    kind: offer.kind,
    kindVersion: offer.kindVersion,
    engine: engine.name,
    flopsPerSecond: rates.flopsPerSecond(offer.kind, engine.flopsPerSecond ?? 0),
  })

  /** Runs `work` alone on the device, then idles so the device is busy `dutyCycle` of the time. */
  function onDevice<T>(work: () => Promise<T>, signal: AbortSignal): Promise<{ value: T; ms: number }> {
    const turn = device.then(async () => {
      const started = performance.now()
      const value = await work()
      const ms = performance.now() - started
      if (dutyCycle < 1 && !signal.aborted)
        await executor.sleep(ms * (1 / dutyCycle - 1), signal).catch(() => {})
      return { value, ms }
    })
    device = turn.then(
      () => {},
      () => {},
    )
    return turn
  }

  /** One shard from grant to receipt; returns the next job when the validator granted one. */
  async function runShard(
    offer: WorkOffer,
    grant: LeaseGrant,
    signal: AbortSignal,
    channel: ChannelOf,
  ): Promise<Job | undefined> {
    const kind = kinds.get(grant.kind, grant.kindVersion)
    const input = kind.grant.decode(grant.payload)
    if (grant.offerId !== offer.offerId || grant.kind !== offer.kind || kind.cost(input) !== grant.flops) {
      throw new GrantMismatchError(
        `grant ${grant.leaseId} does not match offer ${offer.offerId} or its declared cost`,
      )
    }
    emit({ type: 'leased', offer, grant })
    const validator = peerIdFromString(offer.validator)
    const blob = (sha256: string, o?: BlobOptions) => blobs(sha256, validator, o)
    await Promise.all(offer.blobs.map((sha) => blob(sha)))
    const { value: payload, ms } = await onDevice(
      () => executor.run(kind, input, grant.payload, { blob, signal }),
      signal,
    )
    rates.computed(kind.name, grant.flops, ms)
    // The next offer in turn among every validator's: asked for with this result when it is the same
    // validator's, else leased next on its own. Always taking the same validator's would keep a lane
    // on the validator it happened to start with, however many validators offer work.
    const upNext = signal.aborted || paused ? undefined : book?.pick(runnable, choose)
    const following = upNext?.validator === offer.validator ? upNext : undefined
    // Not tied to `signal`: a result computed before Stop is still handed in and its receipt kept,
    // so the contributor's receipts and the validator's ledger never disagree. The RPC timeout bounds it.
    const bytes = await channel(offer.validator, RESULT_PROTOCOL).request(
      encodeResult({
        leaseId: grant.leaseId,
        kind: kind.name,
        kindVersion: kind.version,
        engine: engine.name,
        elapsedMs: Math.round(ms),
        payload,
        ...(following != null ? { next: leaseRequest(following) } : {}),
      }),
    )
    const response = decodeResultResponse(bytes)
    if (response.type === 'rejection') {
      totals.rejected++
      if (response.reason === 'banned') trust.banned(offer.validator)
      else trust.rejected(offer.validator)
      emit({ type: 'rejected', rejection: response })
    } else {
      const receipt = await verifyReceipt(response.bodyBytes, response.signature, {
        validator: offer.validator,
        contributor: self,
        leaseId: grant.leaseId,
      })
      await store?.put(receipt)
      totals.accepted++
      trust.accepted(offer.validator)
      totals.credit += receipt.body.credit
      rates.delivered(receipt.body.flops)
      emit({ type: 'accepted', receipt, computeMs: ms })
    }
    emit({ type: 'stats', stats: stats() })
    if (upNext != null && following == null) return { offer: upNext }
    const next = response.next == null ? undefined : await granted(response.next, signal, offer.validator)
    return next == null || following == null ? undefined : { offer: following, grant: next }
  }

  /** The grant in a lease response; refusals are reported and waited out. */
  async function granted(
    response: LeaseResponse,
    signal: AbortSignal,
    validator: string,
  ): Promise<LeaseGrant | undefined> {
    if (response.type === 'grant') return response
    if (response.reason === 'banned') trust.banned(validator)
    else trust.refused(validator)
    emit({ type: 'refused', offerId: response.offerId, reason: response.reason })
    await executor.sleep(Math.max(response.retryAfterMs, 200), signal)
    return undefined
  }

  async function lane(signal: AbortSignal): Promise<void> {
    // Each lane keeps its own streams open to each validator: a shard then costs one round trip.
    const channels = new Map<string, Channel>()
    const channel: ChannelOf = (validator, protocol) => {
      const key = `${validator} ${protocol}`
      let open = channels.get(key)
      if (open == null) {
        open = createChannel(node, peerIdFromString(validator), protocol, {
          maxResponseBytes:
            protocol === LEASE_PROTOCOL ? MESSAGE_LIMITS.leaseResponse : MESSAGE_LIMITS.resultResponse,
        })
        channels.set(key, open)
      }
      return open
    }
    try {
      await laneLoop(signal, channel)
    } finally {
      for (const open of channels.values()) open.close()
    }
  }

  async function unpaused(signal: AbortSignal): Promise<void> {
    while (paused && !signal.aborted) {
      await new Promise<void>((resolve) => {
        resumers.add(resolve)
        signal.addEventListener('abort', () => resolve(), { once: true })
      })
    }
  }

  async function laneLoop(signal: AbortSignal, channel: ChannelOf): Promise<void> {
    let carried: Job | undefined
    while (!signal.aborted) {
      // Whose request failed, if one does: it costs that validator some trust.
      let talkingTo: string | undefined
      try {
        let job = carried
        carried = undefined
        if (job?.grant == null) {
          await unpaused(signal)
          if (signal.aborted) return
          const offer = job?.offer ?? (await book!.next(signal, runnable, choose))
          talkingTo = offer.validator
          const sent = performance.now()
          const bytes = await channel(offer.validator, LEASE_PROTOCOL).request(
            encodeLeaseRequest(leaseRequest(offer)),
            signal,
          )
          const rtt = performance.now() - sent
          latencyMs = latencyMs == null ? rtt : 0.7 * latencyMs + 0.3 * rtt
          const grant = await granted(decodeLeaseResponse(bytes), signal, offer.validator)
          if (grant == null) continue
          job = { offer, grant }
        }
        talkingTo = job.offer.validator
        carried = await runShard(job.offer, job.grant!, signal, channel)
        // A lane that never waits on I/O (in-memory transport, cached blobs) would otherwise run as one
        // endless chain of promise callbacks and starve timers, rendering and everything else.
        await yieldToEventLoop()
      } catch (err) {
        if (signal.aborted) return
        if (talkingTo != null) trust.failed(talkingTo)
        emit({ type: 'error', error: err as Error })
        await executor.sleep(BACKOFF_MS, signal).catch(() => {})
      }
    }
  }

  return {
    start() {
      if (controller != null) return
      controller = new AbortController()
      book = createOfferBook(node.services.pubsub, netuid)
      for (const subnet of subnets) book.watch(subnet)
      const signal = controller.signal
      running = Array.from({ length: lanes }, () => lane(signal))
      emit({ type: 'stats', stats: stats() })
    },
    async stop() {
      if (controller == null) return
      controller.abort()
      book?.close()
      await Promise.race([
        Promise.allSettled(running),
        new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS)),
      ])
      controller = undefined
      book = undefined
      running = []
      emit({ type: 'stats', stats: stats() })
    },
    stats,
    trust,
    value: (offer) => choice?.value(offer),
    offers: () => book?.offers() ?? [],
    watchSubnet(subnet) {
      subnets.add(subnet)
      book?.watch(subnet)
    },
    setDutyCycle(value) {
      dutyCycle = clampDuty(value)
    },
    setPaused(value) {
      paused = value
      if (paused) return
      for (const resume of resumers) resume()
      resumers.clear()
    },
  }
}

/** Blobs downloaded from the validator once and kept in memory (Node contributors, tests). */
export function memoryBlobs(node: TesseraNode, memo = createBlobMemo()): BlobFetcher {
  return (sha256, from) => memo.get(sha256, () => createBlobDownload(node, from, sha256).run())
}

function required<T>(value: T | undefined, what: string): T {
  if (value == null) throw new TypeError(`createContributor needs ${what}`)
  return value
}

function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve))
  // Browsers: a message round trip is a macrotask without setTimeout's 4 ms clamp.
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(null)
  })
}

function clampDuty(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0.05, value)) : 1
}
