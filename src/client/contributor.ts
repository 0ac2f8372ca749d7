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
import { blobUrlsOf } from '../protocol/blob-urls.ts'
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
  ResultResponse,
  SignedReceipt,
  WorkOffer,
} from '../protocol/types.ts'
import { CONTRIBUTOR_KINDS } from '../work/contributor-kinds.ts'
import type { AnyContributorKind, BlobOptions, Runtimes } from '../work/kind.ts'
import { createKindRegistry, type KindRegistry } from '../work/registry.ts'
import { createBlobMemo } from './blob-memo.ts'
import { createChoice } from './choice.ts'
import { createDeviceTurns, type DeviceTurns } from './device-turns.ts'
import { localExecutor, type ShardExecutor } from './executor.ts'
import { fetchBlobOverHttp } from './http-blobs.ts'
import { createLinkMeter, deliverableFlops, type KindBytes, type LinkMeter } from './link.ts'
import { createOfferBook, type OfferBook } from './offer-book.ts'
import { createPauseGate, type PauseGate } from './pause-gate.ts'
import type { ReceiptStore } from './receipt-store.ts'
import { createThroughput, type Throughput } from './throughput.ts'
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
  /** The link as shards measured it, bytes per second each way (0: not yet measured). */
  uplink: number
  downlink: number
  /** Per kind: FLOPs handed in and the bytes they moved, first shard apart (link.ts). */
  bytes: Record<string, KindBytes>
  running: boolean
}

export type ContributorEvent =
  | { type: 'leased'; offer: WorkOffer; grant: LeaseGrant }
  | { type: 'accepted'; receipt: SignedReceipt; computeMs: number }
  | { type: 'rejected'; rejection: Rejection }
  | { type: 'refused'; offerId: string; reason: string }
  | { type: 'error'; error: Error }
  | { type: 'stats'; stats: ContributorStats }

/** How a shard asks for a blob: where else it is served, and who hears of bytes that crossed the network. */
export interface BlobFetchOptions extends BlobOptions {
  /** Base URLs serving `<base><sha256>` over HTTP (the offer's mirrors, the validator's server), tried first. */
  urls?: string[]
  /** Called once per network download (not for a cache or memory hit), with its bytes and time. */
  onNetwork?: (bytes: number, ms: number) => void
}

/** Where blobs (models, weights) come from: the browser's cache first, else HTTP, else the validator over libp2p. */
export type BlobFetcher = (sha256: string, from: PeerId, options?: BlobFetchOptions) => Promise<Uint8Array>

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
  /** Fraction of wall time the device may be busy, MIN_DUTY_CYCLE to 1 (device-turns.ts); the rest it idles. */
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

/** Shards in flight at once by default: one computes while the others fetch and upload. */
const DEFAULT_LANES = 3
/** Back-off after an error, so a broken link is not hammered. */
const BACKOFF_MS = 1000
/** The least a refused lane waits, whatever the validator's retryAfterMs says. */
const MIN_REFUSAL_WAIT_MS = 200
/** Weight of the newest round trip in the smoothed lease latency. */
const LATENCY_WEIGHT = 0.3
/**
 * How long stop() waits for shards in flight. A GPU or ORT run cannot be cancelled; one that never
 * returns (a wedged driver) must not keep Stop from stopping everything else.
 */
const STOP_GRACE_MS = 5000

/** What every lane of one contributor shares. */
interface Lanes {
  options: ContributorOptions
  executor: ShardExecutor
  kinds: KindRegistry<AnyContributorKind>
  blobs: BlobFetcher
  rates: Throughput
  link: LinkMeter
  trust: Trust
  device: DeviceTurns
  pause: PauseGate
  totals: { accepted: number; rejected: number; credit: number; latencyMs?: number }
  book(): OfferBook | undefined
  choose?: (offers: WorkOffer[]) => WorkOffer | undefined
  runnable(offer: WorkOffer): boolean
  leaseRequest(offer: WorkOffer): LeaseRequest
  stats(): ContributorStats
  emit(event: ContributorEvent): void
}

export function createContributor(options: ContributorOptions): Contributor {
  const { node, netuid } = options
  const executor = options.executor ?? localExecutor(required(options.runtimes, 'runtimes or executor'))
  const kinds = createKindRegistry(options.kinds ?? CONTRIBUTOR_KINDS)
  const rates = createThroughput()
  const link = createLinkMeter()
  const linkRates = () => ({ uplink: link.uplink(), downlink: link.downlink() })
  const deviceRate = (kind: string) => rates.flopsPerSecond(kind, executor.engine.flopsPerSecond ?? 0)
  const trust = createTrust()
  const subnets = new Set([netuid, ...(options.subnets ?? [])])
  const choice =
    options.rate == null
      ? undefined
      : createChoice({
          throughput: deviceRate,
          link: linkRates,
          intensity: (kind) => link.intensity(kind),
          rate: options.rate,
          trust,
        })
  let controller: AbortController | undefined
  let running: Promise<void>[] = []
  let book: OfferBook | undefined
  const totals: Lanes['totals'] = { accepted: 0, rejected: 0, credit: 0 }
  const stats = (): ContributorStats => ({
    accepted: totals.accepted,
    rejected: totals.rejected,
    credit: totals.credit,
    gflops: rates.devicePerSecond() / 1e9,
    deliveredGflops: rates.deliveredPerSecond() / 1e9,
    ...(totals.latencyMs != null ? { latencyMs: totals.latencyMs } : {}),
    ...linkRates(),
    bytes: link.bytes(),
    running: controller != null,
  })
  const lanes: Lanes = {
    options,
    executor,
    kinds,
    blobs: options.blobs ?? memoryBlobs(node),
    rates,
    link,
    trust,
    device: createDeviceTurns(executor, options.dutyCycle),
    pause: createPauseGate(),
    totals,
    book: () => book,
    choose: choice == null ? undefined : (offers) => choice.choose(offers),
    runnable: (offer) =>
      (options.allow?.(offer) ?? true) &&
      kinds.has(offer.kind) &&
      kinds.get(offer.kind).version === offer.kindVersion &&
      executor.canRun(kinds.get(offer.kind)),
    // Shards are sized to what the device and the link together deliver, and the link is told.
    leaseRequest: (offer) => ({
      offerId: offer.offerId,
      kind: offer.kind,
      kindVersion: offer.kindVersion,
      engine: executor.engine.name,
      flopsPerSecond: deliverableFlops(deviceRate(offer.kind), linkRates(), link.intensity(offer.kind)),
      uplinkBytesPerSecond: link.uplink(),
      downlinkBytesPerSecond: link.downlink(),
    }),
    stats,
    emit: (event) => options.onEvent?.(event),
  }

  return {
    start() {
      if (controller != null) return
      controller = new AbortController()
      book = createOfferBook(node.services.pubsub, netuid)
      for (const subnet of subnets) book.watch(subnet)
      const signal = controller.signal
      running = Array.from({ length: options.lanes ?? DEFAULT_LANES }, () => lane(lanes, signal))
      lanes.emit({ type: 'stats', stats: stats() })
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
      lanes.emit({ type: 'stats', stats: stats() })
    },
    stats,
    trust,
    value: (offer) => choice?.value(offer),
    offers: () => book?.offers() ?? [],
    watchSubnet(subnet) {
      subnets.add(subnet)
      book?.watch(subnet)
    },
    setDutyCycle: (value) => lanes.device.setDutyCycle(value),
    setPaused: (value) => lanes.pause.set(value),
  }
}

/** One lane: its own streams to each validator (a shard then costs one round trip), closed at its end. */
async function lane(lanes: Lanes, signal: AbortSignal): Promise<void> {
  const { node } = lanes.options
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
    await laneLoop(lanes, signal, channel)
  } finally {
    for (const open of channels.values()) open.close()
  }
}

async function laneLoop(lanes: Lanes, signal: AbortSignal, channel: ChannelOf): Promise<void> {
  let carried: Job | undefined
  while (!signal.aborted) {
    // Whose request failed, if one does: it costs that validator some trust.
    let talkingTo: string | undefined
    try {
      let job = carried
      carried = undefined
      if (job?.grant == null) {
        await lanes.pause.passed(signal)
        if (signal.aborted) return
        const offer = job?.offer ?? (await lanes.book()!.next(signal, lanes.runnable, lanes.choose))
        talkingTo = offer.validator
        const grant = await lease(lanes, offer, signal, channel)
        if (grant == null) continue
        job = { offer, grant }
      }
      talkingTo = job.offer.validator
      carried = await runShard(lanes, job.offer, job.grant!, signal, channel)
      // A lane that never waits on I/O (in-memory transport, cached blobs) would otherwise run as one
      // endless chain of promise callbacks and starve timers, rendering and everything else.
      await yieldToEventLoop()
    } catch (err) {
      if (signal.aborted) return
      if (talkingTo != null) lanes.trust.failed(talkingTo)
      lanes.emit({ type: 'error', error: err as Error })
      await lanes.executor.sleep(BACKOFF_MS, signal).catch(() => {})
    }
  }
}

async function lease(
  lanes: Lanes,
  offer: WorkOffer,
  signal: AbortSignal,
  channel: ChannelOf,
): Promise<LeaseGrant | undefined> {
  const sent = performance.now()
  const bytes = await channel(offer.validator, LEASE_PROTOCOL).request(
    encodeLeaseRequest(lanes.leaseRequest(offer)),
    signal,
  )
  const rtt = performance.now() - sent
  const { totals } = lanes
  totals.latencyMs =
    totals.latencyMs == null ? rtt : (1 - LATENCY_WEIGHT) * totals.latencyMs + LATENCY_WEIGHT * rtt
  lanes.link.roundTrip(rtt)
  return granted(lanes, decodeLeaseResponse(bytes), signal, offer.validator)
}

/** The grant in a lease response; refusals are reported and waited out. */
async function granted(
  lanes: Lanes,
  response: LeaseResponse,
  signal: AbortSignal,
  validator: string,
): Promise<LeaseGrant | undefined> {
  if (response.type === 'grant') return response
  if (response.reason === 'banned') lanes.trust.banned(validator)
  else lanes.trust.refused(validator)
  lanes.emit({ type: 'refused', offerId: response.offerId, reason: response.reason })
  await lanes.executor.sleep(Math.max(response.retryAfterMs, MIN_REFUSAL_WAIT_MS), signal)
  return undefined
}

/** One shard from grant to receipt; returns the next job when the validator granted one. */
async function runShard(
  lanes: Lanes,
  offer: WorkOffer,
  grant: LeaseGrant,
  signal: AbortSignal,
  channel: ChannelOf,
): Promise<Job | undefined> {
  const { executor, rates } = lanes
  const kind = lanes.kinds.get(grant.kind, grant.kindVersion)
  const input = kind.grant.decode(grant.payload)
  if (grant.offerId !== offer.offerId || grant.kind !== offer.kind || kind.cost(input) !== grant.flops) {
    throw new GrantMismatchError(
      `grant ${grant.leaseId} does not match offer ${offer.offerId} or its declared cost`,
    )
  }
  lanes.emit({ type: 'leased', offer, grant })
  const validator = peerIdFromString(offer.validator)
  const urls = blobUrlsOf(offer)
  let down = grant.payload.byteLength
  const onNetwork = (bytes: number) => {
    down += bytes
  }
  const blob = (sha256: string, o?: BlobOptions) => lanes.blobs(sha256, validator, { ...o, urls, onNetwork })
  // The shard's inputs, together: their bytes over their time (less the latency, link.ts) is a
  // sample of the downlink (one small blob alone would measure the latency).
  const fetching = performance.now()
  await Promise.all([
    ...offer.blobs.map((sha) => blob(sha)),
    ...(kind.inputs?.(input) ?? []).map((i) => blob(i.sha256, i.options)),
  ])
  const fetched = down - grant.payload.byteLength
  if (fetched > 0) lanes.link.downloaded(fetched, performance.now() - fetching)
  const background = executor.engine.backgroundMs ?? 0
  const { value: payload, ms: turn } = await lanes.device.take(
    () => executor.run(kind, input, grant.payload, { blob, signal }),
    signal,
  )
  // The engine's own work in the turn (tuning between shards) is not this shard's compute.
  const ms = Math.max(0.1, turn - ((executor.engine.backgroundMs ?? 0) - background))
  rates.computed(kind.name, grant.flops, ms)
  // The next offer in turn among every validator's: asked for with this result when it is the same
  // validator's, else leased next on its own. Always taking the same validator's would keep a lane
  // on the validator it happened to start with, however many validators offer work.
  const upNext =
    signal.aborted || lanes.pause.paused ? undefined : lanes.book()?.pick(lanes.runnable, lanes.choose)
  const following = upNext?.validator === offer.validator ? upNext : undefined
  // Not tied to `signal`: a result computed before Stop is still handed in and its receipt kept,
  // so the contributor's receipts and the validator's ledger never disagree. The RPC timeout bounds it.
  const sent = performance.now()
  const bytes = await channel(offer.validator, RESULT_PROTOCOL).request(
    encodeResult({
      leaseId: grant.leaseId,
      kind: kind.name,
      kindVersion: kind.version,
      engine: executor.engine.name,
      elapsedMs: Math.round(ms),
      payload,
      ...(following != null ? { next: lanes.leaseRequest(following) } : {}),
    }),
  )
  const response = decodeResultResponse(bytes)
  // The round trip less the validator's own time (and the latency, link.ts): what the upload took.
  const roundTrip = performance.now() - sent
  lanes.link.uploaded(payload.byteLength, roundTrip - (response.heldMs ?? 0))
  if (response.type === 'receipt') lanes.link.shard(kind.name, grant.flops, down, payload.byteLength)
  await settle(lanes, offer, grant, response, ms)
  if (upNext != null && following == null) return { offer: upNext }
  const next =
    response.next == null ? undefined : await granted(lanes, response.next, signal, offer.validator)
  return next == null || following == null ? undefined : { offer: following, grant: next }
}

/** What the validator made of a result: a receipt kept (and checked) or a rejection counted. */
async function settle(
  lanes: Lanes,
  offer: WorkOffer,
  grant: LeaseGrant,
  response: ResultResponse,
  computeMs: number,
): Promise<void> {
  const { totals, trust } = lanes
  if (response.type === 'rejection') {
    totals.rejected++
    if (response.reason === 'banned') trust.banned(offer.validator)
    else trust.rejected(offer.validator)
    lanes.emit({ type: 'rejected', rejection: response })
  } else {
    const receipt = await verifyReceipt(response.bodyBytes, response.signature, {
      validator: offer.validator,
      contributor: lanes.options.node.peerId.toString(),
      leaseId: grant.leaseId,
    })
    await lanes.options.store?.put(receipt)
    totals.accepted++
    trust.accepted(offer.validator)
    totals.credit += receipt.body.credit
    lanes.rates.delivered(receipt.body.flops)
    lanes.emit({ type: 'accepted', receipt, computeMs })
  }
  lanes.emit({ type: 'stats', stats: lanes.stats() })
}

/** Blobs downloaded from the validator once and kept in memory (Node contributors, tests). */
export function memoryBlobs(node: TesseraNode, memo = createBlobMemo()): BlobFetcher {
  return (sha256, from, options) => memo.get(sha256, () => downloadBlob(node, sha256, from, options))
}

/** A blob over HTTP from the URLs given, else over libp2p from the validator; timed for the link. */
export async function downloadBlob(
  node: TesseraNode,
  sha256: string,
  from: PeerId,
  options: BlobFetchOptions & { onProgress?: (p: { received: number; total: number }) => void } = {},
): Promise<Uint8Array> {
  const started = performance.now()
  let bytes: Uint8Array | undefined
  if (options.urls != null && options.urls.length > 0) {
    bytes = await fetchBlobOverHttp(options.urls, sha256, { onProgress: options.onProgress }).catch(
      () => undefined,
    )
  }
  bytes ??= await createBlobDownload(node, from, sha256).run({ onProgress: options.onProgress })
  options.onNetwork?.(bytes.byteLength, performance.now() - started)
  return bytes
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
