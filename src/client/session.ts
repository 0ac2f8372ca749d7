/**
 * One contribution session in the browser, from Start to Stop: the contributor lanes over the page's
 * libp2p node, with the shards run by a dedicated compute worker that owns the engine. Stop ends the
 * worker first, so GPU work ends at once.
 */
import { logger } from '@libp2p/logger'
import { DeviceLostError } from '../gpu/errors.ts'
import type { EngineChoice } from '../gpu/select-engine.ts'
import { workTopic } from '../protocol/constants.ts'
import type { WorkOffer } from '../protocol/types.ts'
import { type BlobEvent, createCachedBlobFetcher, PAGE_MEMO_BYTES } from './blob-fetcher.ts'
import type { BootstrapInfo } from './bootstrap.ts'
import { type MeshState, startBrowserMesh } from './browser-mesh.ts'
import { type Contributor, type ContributorEvent, createContributor } from './contributor.ts'
import { type Market, startMarket } from './market.ts'
import { createModelCache } from './model-cache.ts'
import { connect, keepConnected, type LinkState } from './network.ts'
import { checkPayments, createProven, type Proven } from './proven.ts'
import type { ReceiptStore } from './receipt-store.ts'
import { startComputeWorker } from './worker-executor.ts'

const log = logger('tessera:session')

export interface SessionOptions {
  bootstrap: BootstrapInfo
  store: ReceiptStore
  dutyCycle: number
  /** `auto` picks WebGPU on real GPUs and wasm on software adapters; the others force one. */
  engine: EngineChoice
  onEvent: (event: ContributorEvent) => void
  /** Blob (model, weights) downloads and cache evictions. */
  onBlob?: (event: BlobEvent) => void
  /** The device (or the compute worker) went away mid-session; the session has stopped itself. */
  onDeviceLost: (error: Error) => void
  /** The validators became unreachable (the session redials with backoff), or reachable again. */
  onLink?: (state: LinkState) => void
  /** Connections to validators and other pages, and offers other pages relayed. */
  onNetwork?: (state: MeshState) => void
  /** Something that failed without stopping the session, in words for the visitor. */
  onNotice?: (text: string) => void
  /** The validator's site, whose /api/directory seeds the market (every validator it knows). */
  validatorUrl?: string
  /** Which offers the visitor allows (a pinned subnet or validator, excluded ones); all when absent. */
  allow?: (offer: WorkOffer) => boolean
}

/** What the page shows of the open market (market.ts, choice.ts, trust.ts). */
export interface MarketView {
  validators: Array<{
    validator: string
    netuid: number
    /** TAO per GFLOP of verified credit this epoch, as announced. */
    rewardRate: number
    /** What this browser believes it pays (market.ts `rate`): less until it has seen it pay. */
    believedRate: number
    /** This browser claimed from it and saw the payout in its settlement (proven.ts). */
    proven: boolean
    /** Its announced rate is far above the others' (directory.ts `ABSURD_FACTOR`). */
    absurd: boolean
    poolTao: string
    epoch: number
    /** The epoch's credit so far (GFLOP), and how fast it grows (GFLOP/s; undefined: not known yet). */
    epochCredit: number
    creditRate?: number
    epochEndsAt: number
    kinds: string[]
    trust: number
    acceptance: number
    /** Expected TAO per second here for the best of its offers on this device (0: not measured yet). */
    taoPerSecond: number
  }>
  /** The validator the latest shard was leased from, and that offer's expected TAO per second. */
  working?: {
    validator: string
    netuid: number
    kind: string
    taoPerSecond: number
    /** A requester's job the shard belongs to, as its offer says ("Scoring text for job 7f3a01c2"). */
    job?: string
  }
}

/** What the UI shows of the engine; the automatic engine's description changes when it switches. */
export interface EngineInfo {
  readonly name: string
  readonly description: string
}

export interface Session {
  readonly engine: EngineInfo
  /** Why this engine was chosen, for the UI. */
  readonly engineReason: string
  setDutyCycle(value: number): void
  /** No new shards while paused (hidden tab, on battery); the one in hand is finished. */
  setPaused(value: boolean): void
  /** The market as this session sees it now. */
  market(): MarketView
  stop(): Promise<void>
}

export async function startSession(options: SessionOptions): Promise<Session> {
  const compute = await startComputeWorker({
    engine: options.engine,
    // A page without the WebGPU API told its visitor the CPU runs the work: so the worker does.
    webgpu: 'gpu' in navigator,
  })
  let contributor: Contributor | undefined
  let stopLink: (() => void) | undefined
  let stopMesh: (() => void) | undefined
  let stopPayments: (() => void) | undefined
  let market: Market | undefined
  let working: MarketView['working']
  let stopped = false

  const stop = async () => {
    if (stopped) return
    stopped = true
    stopLink?.()
    stopMesh?.()
    stopPayments?.()
    market?.stop()
    compute.terminate()
    await contributor?.stop()
  }
  const deviceLost = (error: Error) => {
    if (!stopped) void stop().then(() => options.onDeviceLost(error))
  }
  void compute.lost.then(deviceLost)

  try {
    const node = await connect(options.bootstrap)
    stopLink = keepConnected(node, options.bootstrap.multiaddrs, (state) => options.onLink?.(state))
    stopMesh = startBrowserMesh({
      node,
      validators: options.bootstrap.multiaddrs,
      topic: workTopic(options.bootstrap.netuid),
      onChange: (state) => options.onNetwork?.(state),
    }).stop
    const proven = createProven()
    market = startMarket({ node, proven, onSubnet: (netuid) => contributor?.watchSubnet(netuid) })
    if (options.validatorUrl != null) {
      void market.seed(options.validatorUrl).catch((err) => {
        log.error('reading the directory failed: %e', err)
        options.onNotice?.(
          `Could not read the validator's list of other validators (${(err as Error).message}); offers heard on the network still count.`,
        )
      })
    }
    stopPayments = watchPayments(market, proven, options)
    contributor = createContributor({
      node,
      netuid: options.bootstrap.netuid,
      rate: market.rate,
      allow: options.allow,
      executor: compute,
      // The worker keeps the blobs its shards use; the page only fetches them (cache or validator).
      blobs: createCachedBlobFetcher({
        node,
        cache: createModelCache(),
        onBlob: options.onBlob,
        memoBytes: PAGE_MEMO_BYTES,
      }),
      store: options.store,
      dutyCycle: options.dutyCycle,
      onEvent: (event) => {
        if (event.type === 'error' && event.error instanceof DeviceLostError) deviceLost(event.error)
        if (event.type === 'leased') {
          const { validator, netuid, kind, notes } = event.offer
          working = {
            validator,
            netuid,
            kind,
            taoPerSecond: contributor?.value(event.offer) ?? 0,
            ...(notes.job != null && notes.doing != null
              ? { job: `${notes.doing} for job ${notes.job}` }
              : {}),
          }
        }
        options.onEvent(event)
      },
    })
    contributor.start()
  } catch (err) {
    await stop()
    throw err
  }

  return {
    get engine() {
      return compute.engine
    },
    engineReason: compute.reason,
    setDutyCycle: (value) => contributor?.setDutyCycle(value),
    setPaused: (value) => contributor?.setPaused(value),
    market: () => marketView(market, contributor, working),
    stop,
  }
}

/** How often a session asks the validators it claimed from whether they paid (they settle per epoch). */
const PAYMENTS_EVERY_MS = 5 * 60_000

/** Checks, now and then, which validators this browser claimed from have paid (proven.ts). */
function watchPayments(market: Market, proven: Proven, options: SessionOptions): () => void {
  const home = options.bootstrap.peerId
  const check = async () => {
    if (options.store == null) return
    await checkPayments({
      proven,
      claims: await options.store.claims(),
      apiOf: (v) => (v === home ? options.validatorUrl : market.directory.get(v)?.announcement.api),
    })
  }
  const run = () => void check().catch((err) => log.error('checking payouts failed: %e', err))
  const timer = setInterval(run, PAYMENTS_EVERY_MS)
  run()
  return () => clearInterval(timer)
}

function marketView(market?: Market, contributor?: Contributor, working?: MarketView['working']): MarketView {
  const offers = contributor?.offers() ?? []
  return {
    validators: (market?.directory.list() ?? []).map(({ announcement: a, rewardRate, absurd }) => ({
      validator: a.validator,
      netuid: a.netuid,
      rewardRate,
      believedRate: market?.rate(a.validator) ?? 0,
      proven: market?.proven(a.validator) ?? false,
      absurd,
      poolTao: a.poolTao,
      epoch: a.epoch,
      epochCredit: a.epochCredit,
      creditRate: market?.creditRate(a.validator),
      epochEndsAt: a.epochEndsAt,
      kinds: [...new Set(a.offerings.map((o) => o.kind))],
      trust: contributor?.trust.score(a.validator) ?? 1,
      acceptance: contributor?.trust.acceptance(a.validator) ?? 1,
      taoPerSecond: Math.max(
        0,
        ...offers.filter((o) => o.validator === a.validator).map((o) => contributor?.value(o) ?? 0),
      ),
    })),
    ...(working != null ? { working } : {}),
  }
}
