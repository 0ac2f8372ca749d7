/**
 * A Tessera validator: builds a work source for each kind it offers, publishes their offers on
 * gossip, leases shards sized to each contributor, verifies results with each kind's own check,
 * signs receipts and credits its ledger, records claims and settles epochs. Each of those is a small
 * service; this file opens them in order and closes them in reverse, also when startup fails half-way.
 * Transport-agnostic: the CLI gives it WebSocket addresses, tests give it in-memory ones.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Connection, PeerId, PrivateKey } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { type BlobSource, serveBlobs } from '../p2p/blob-protocol.ts'
import type { Directory } from '../p2p/directory.ts'
import { createServerNode, type ServerNodeOptions, type TesseraNode } from '../p2p/node-server.ts'
import { loadOrCreatePeerKey } from '../p2p/peer-key.ts'
import { type Accountability, handleRequests, type Offence } from '../p2p/rpc.ts'
import { BLOBS_NOTE, MIRROR_NOTES } from '../protocol/blob-urls.ts'
import {
  CLAIM_PROTOCOL,
  DIRECTORY_TOPIC,
  LEASE_PROTOCOL,
  LEGACY_LEASE_PROTOCOL,
  LEGACY_RESULT_PROTOCOL,
  MAX_ANNOUNCED_OFFERINGS,
  MESSAGE_LIMITS,
  PEERS_PROTOCOL,
  RESULT_PROTOCOL,
  workTopic,
} from '../protocol/constants.ts'
import type { WorkOffer } from '../protocol/types.ts'
import type { AnyValidatorKind, JobWork, TrainJobWork, ValidatorKind, WorkSource } from '../work/kind.ts'
import { createKindRegistry, type KindRegistry } from '../work/registry.ts'
import { VALIDATOR_KINDS } from '../work/validator-kinds.ts'
import { type ApiRoutes, createApi, type KindIntensity, type ValidatorStatus } from './api.ts'
import { AUDIT_SAMPLES, createAudit } from './audit.ts'
import { type BlobStore, createBlobStore } from './blob-store.ts'
import type { ChainOptions } from './chain.ts'
import { createClaimService } from './claim-service.ts'
import { startDirectoryPublisher } from './directory-publisher.ts'
import { createEpochClock, type EpochClock, TEMPO_MS } from './epochs.ts'
import { type Jobs, type JobsOptions, openJobs } from './jobs/index.ts'
import { createLeaseService, kindWire, type WireStats } from './lease-service.ts'
import { type Ledger, openLedger, openPostgresLedger } from './ledger/index.ts'
import { createMetrics, type Metrics } from './metrics.ts'
import { startOfferPublisher } from './offer-publisher.ts'
import { createPeerExchange } from './peer-exchange.ts'
import { createPenalties, type Penalties } from './penalties.ts'
import { type Requester, requesterOf } from './requester.ts'
import { createResultService } from './result-service.ts'
import { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.ts'
import { formatTao, RAO_PER_TAO } from './settlement.ts'
import { startSettlementLoop } from './settlement-loop.ts'
import { createStrikes } from './strikes.ts'
import type { SubnetConfig } from './subnet-config.ts'
import { createWorkerPool, type WorkerPool } from './worker-pool.ts'

const log = logger('tessera:validator')
/** The repository's root, where shipped data (corpora/, models/) lives whatever the working directory. */
const SHIPPED_DIR = fileURLToPath(new URL('../..', import.meta.url))

export interface ValidatorOptions {
  netuid: number
  dataDir: string
  /** A postgres:// URL: the ledger the pool's validator processes share; SQLite in dataDir when omitted. */
  ledgerUrl?: string
  /** Requesters' jobs (docs/JOBS.md): on unless false. */
  jobs?: JobsOptions | false
  listen: string[]
  /** libp2p addresses given to pages and peers instead of `listen` (a proxy or NAT in front). */
  announce?: string[]
  /** Seed of synthetic work (the gemm layer, generated model inputs). */
  seed: number
  /** The work kinds this validator knows; VALIDATOR_KINDS unless a test adds its own. */
  kinds?: readonly AnyValidatorKind[]
  /** Each kind's section of the subnet config; kinds without one run with their defaults. */
  subnet?: SubnetConfig
  epochLengthMs?: number
  leaseTtlMs?: number
  /** Wall time a shard should take on the contributor that leases it. */
  targetShardMs?: number
  /** How often offers are re-published on gossip. */
  offerIntervalMs?: number
  /** Strikes (misshapen or non-finite results) in one epoch after which a contributor is refused. */
  strikeLimit?: number
  /** Results of each contributor and epoch the audit recomputes in full (src/validator/audit.ts). */
  auditSamples?: number
  /** Credit factor for a result handed in after its lease expired. */
  lateQuality?: number
  /** Receipts of epoch e can be claimed until epoch e + claimEpochs ends; then e is settled. */
  claimEpochs?: number
  /** What the pool pays out per epoch, in rao (1e-9 TAO). */
  poolRao?: bigint
  /** Payout address -> Bittensor uid, for the weights export. */
  hotkeys?: Map<string, number>
  /** Pay settled epochs on chain (off when omitted). */
  chain?: Omit<ChainOptions, 'netuid' | 'weights'>
  /** Allowances and limits of the scheduler (tests, benchmarks). */
  scheduler?: Partial<SchedulerOptions>
  /** libp2p transports; WebSockets when omitted (tests pass the in-memory one). */
  transports?: ServerNodeOptions['transports']
  /** Threads that verify results; one per core but one when omitted, 0 verifies on the event loop. */
  verifyThreads?: number
  /** How often the validator announces itself on the directory topic (DIRECTORY_INTERVAL_MS). */
  directoryIntervalMs?: number
  /** Other validators (multiaddrs) dialed at start, so directory announcements reach across them. */
  peers?: string[]
  /** Its HTTP API's URL (`…/`), announced so pages can check what it paid; read at each announcement. */
  apiUrl?: () => string | undefined
  /** Mirrors serving its blobs as `<url><sha256>`, named in its offers before its own HTTP server. */
  blobMirrors?: string[]
  /** False: offers name no HTTP URL for blobs, pages fetch them over libp2p (benchmarks compare the two). */
  httpBlobs?: boolean
}

/** Announcements every 10 s: a page learns a new validator within seconds, gossip stays small. */
export const DIRECTORY_INTERVAL_MS = 10_000

export interface Validator {
  readonly peerId: PeerId
  readonly node: TesseraNode
  readonly ledger: Ledger
  readonly epochs: EpochClock
  readonly scheduler: Scheduler
  /** Routes for the HTTP server's /api/. */
  readonly api: ApiRoutes
  /** The jobs API (its own /api/ routes), and the owner token if this start made it. */
  readonly jobs?: Jobs
  /** Every validator this one has heard announce itself (itself included). */
  readonly directory: Directory
  /** What GET /metrics serves. */
  readonly metrics: Metrics
  /** The blobs it serves over libp2p, also served over HTTP (GET /blobs/<sha256>). */
  readonly blobs: BlobSource
  multiaddrs(): string[]
  status(): Promise<ValidatorStatus>
  /** Settles every epoch whose claim window has closed; returns the epochs settled. */
  settleDue(): Promise<number[]>
  stop(): Promise<void>
}

export const VALIDATOR_DEFAULTS = {
  epochLengthMs: TEMPO_MS as number,
  leaseTtlMs: 60_000,
  targetShardMs: 1000,
  offerIntervalMs: 1000,
  strikeLimit: 3,
  auditSamples: AUDIT_SAMPLES,
  lateQuality: 0.5,
  claimEpochs: 1,
  poolRao: RAO_PER_TAO,
}

export async function createValidator(init: ValidatorOptions): Promise<Validator> {
  const options = { ...VALIDATOR_DEFAULTS, ...init }
  const closers: Array<() => Promise<void> | void> = []
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) {
      await Promise.resolve()
        .then(closer)
        .catch((err) => log.error('closing failed: %e', err))
    }
  }
  try {
    return await open(options, closers, close)
  } catch (err) {
    await close()
    throw err
  }
}

type Options = Omit<ValidatorOptions, keyof typeof VALIDATOR_DEFAULTS> & typeof VALIDATOR_DEFAULTS
type Closers = Array<() => Promise<void> | void>

/** Opens the services in order; each part pushes its closer as soon as it is open. */
async function open(options: Options, closers: Closers, close: () => Promise<void>): Promise<Validator> {
  const startedAt = Date.now()
  const privateKey = await loadOrCreatePeerKey(join(options.dataDir, 'peer.key'))
  const ledger =
    options.ledgerUrl == null
      ? openLedger(join(options.dataDir, 'ledger.sqlite'))
      : await openPostgresLedger(options.ledgerUrl, peerIdFromPrivateKey(privateKey).toString())
  closers.push(() => ledger.close())
  const epochs = await createEpochClock(ledger.pool, options.epochLengthMs)
  const { node, penalties, cutOff } = await openNode(options, privateKey, closers)
  const jobs = await openJobsOf(options, privateKey, ledger, closers)
  const work = await openWork(options, node.peerId.toString(), ledger, epochs, jobs, closers)
  const served = await serveProtocols(options, { node, privateKey, ledger, epochs, penalties, ...work })
  // Timers last: nothing after them can fail.
  const timers = startTimers(
    options,
    { node, privateKey, ledger, epochs, penalties, scheduler: work.scheduler },
    closers,
  )
  // Other validators (`--peer`): announcements travel between validators, and pages learn them all.
  for (const peer of options.peers ?? []) {
    node.dial(multiaddr(peer)).catch((err) => log.error('cannot reach peer %s: %e', peer, err))
  }
  const multiaddrs = () => node.getMultiaddrs().map((ma) => ma.toString())
  const status = statusOf(options, { node, ledger, epochs, ...work, ...served, startedAt, multiaddrs })
  const metrics = createMetrics(status)
  cutOff.metrics = metrics
  return {
    peerId: node.peerId,
    node,
    ledger,
    metrics,
    blobs: served.blobsServed.source,
    epochs,
    scheduler: work.scheduler,
    ...(jobs != null ? { jobs } : {}),
    api: createApi({
      ...options,
      peerId: node.peerId.toString(),
      multiaddrs,
      epochs,
      ledger,
      status,
      directory: () => timers.announcer.list(),
    }),
    directory: timers.announcer.directory,
    multiaddrs,
    status,
    settleDue: () => timers.settlement.settleDue(),
    stop: close,
  }
}

/** Requesters' jobs, unless turned off; their models are served as blobs once the work opens. */
async function openJobsOf(options: Options, privateKey: PrivateKey, ledger: Ledger, closers: Closers) {
  if (options.jobs === false) return undefined
  const blobs = createBlobStore()
  const jobs = await openJobs({
    ...options.jobs,
    dataDir: options.dataDir,
    store: ledger.jobs,
    blobs,
    privateKey,
    validator: peerIdFromPrivateKey(privateKey).toString(),
  })
  closers.push(() => jobs.stop())
  return Object.assign(jobs, { blobs })
}

/** The libp2p node, and the penalties that cut off peers sending junk (counted on /metrics). */
async function openNode(options: Options, privateKey: PrivateKey, closers: Closers) {
  let node: TesseraNode | undefined
  const cutOff: { metrics?: Metrics } = {}
  const penalties = createPenalties({
    onBan: (peer, reason) => {
      log('cutting off %s: too many malformed messages (%s)', peer, reason)
      cutOff.metrics?.peerCutOff(reason)
      void node?.hangUp(peerIdFromString(peer)).catch(() => {})
    },
  })
  node = await createServerNode({
    privateKey,
    listen: options.listen,
    announce: options.announce,
    transports: options.transports,
    scoredTopics: [workTopic(options.netuid), DIRECTORY_TOPIC],
    denyPeer: (peer) => penalties.banned(peer),
    relay: true,
  })
  const opened = node
  closers.push(() => opened.stop())
  return { node: opened, penalties, cutOff }
}

/** The kinds' sources on their verification threads, and the scheduler over them (restored). */
async function openWork(
  options: Options,
  validator: string,
  ledger: Ledger,
  epochs: EpochClock,
  jobs: (Jobs & { blobs: BlobStore }) | undefined,
  closers: Closers,
) {
  const kinds = createKindRegistry(options.kinds ?? VALIDATOR_KINDS)
  const blobs = jobs?.blobs ?? createBlobStore()
  const strikes = createStrikes({
    receipts: ledger.receipts,
    epochs,
    strikeLimit: options.strikeLimit,
    log,
    ...(jobs != null ? { onCaught: (peer: string) => jobs.work.caught(peer) } : {}),
  })
  const workers = createWorkerPool({ size: options.verifyThreads })
  closers.push(() => workers.stop())
  const sources = await createSources(
    kinds,
    { blobs, workers, jobs: jobs?.work, trainJobs: jobs?.train },
    options,
    ledger,
    strikes,
    closers,
  )
  const scheduler = createScheduler({
    ...options.scheduler,
    netuid: options.netuid,
    validator,
    kinds,
    sources,
    shards: ledger.shards,
    epochs,
    leaseTtlMs: options.leaseTtlMs,
    targetShardMs: options.targetShardMs,
    verifiedFlops: async (peer) => (await ledger.receipts.contributor(peer)).flops,
  })
  log('restored %d open shards', await scheduler.restore())
  const leases = createLeaseService({ scheduler, strikes })
  const audit = createAudit({ samples: options.auditSamples })
  return { blobs, strikes, sources, scheduler, leases, audit }
}

interface Opened {
  node: TesseraNode
  privateKey: PrivateKey
  ledger: Ledger
  epochs: EpochClock
  penalties: Penalties
}

/** Every stream protocol, each counting a peer's faults alike (frames that cannot be read, and answers to requests no honest peer sends). */
async function serveProtocols(options: Options, parts: Opened & Awaited<ReturnType<typeof openWork>>) {
  const { node, penalties, ledger, epochs, privateKey } = parts
  const validator = node.peerId.toString()
  const results = createResultService({
    ...options,
    ...parts,
    validator,
    receipts: ledger.receipts,
    log,
  })
  const claims = createClaimService({ ...options, validator, privateKey, ledger, epochs })
  const peerExchange = createPeerExchange(node)
  const accountability: Accountability = {
    onError(err, remote) {
      log.error('stream from %p failed: %e', remote, err)
      penalties.record(remote.toString(), (err as Error).name ?? 'stream error')
    },
    onOffence: (remote, reason) => penalties.record(remote.toString(), reason),
    refuse: (remote) => penalties.banned(remote.toString()),
  }
  const blobsServed = createServedBlobs(parts.blobs)
  await serveBlobs(node, blobsServed.source, accountability)
  const protocols: Array<
    [string[], number, (payload: Uint8Array, who: Requester) => Promise<Uint8Array | Offence>]
  > = [
    [[LEASE_PROTOCOL, LEGACY_LEASE_PROTOCOL], MESSAGE_LIMITS.leaseRequest, parts.leases.handle],
    [[RESULT_PROTOCOL, LEGACY_RESULT_PROTOCOL], MESSAGE_LIMITS.result, results.handle],
    [[CLAIM_PROTOCOL], MESSAGE_LIMITS.claimRequest, (p, who) => claims.answer(p, who.peer)],
    [[PEERS_PROTOCOL], MESSAGE_LIMITS.peersRequest, peerExchange.handle],
  ]
  for (const [protocol, maxRequestBytes, handle] of protocols) {
    const handler = (payload: Uint8Array, _: PeerId, connection: Connection) =>
      handle(payload, requesterOf(connection))
    await handleRequests(node, protocol, handler, { maxRequestBytes, ...accountability })
  }
  return { blobsServed }
}

function intensityOf(wire: WireStats, blobBytes: Map<string, number>): Record<string, KindIntensity> {
  const kinds = new Set([...Object.keys(wire.kinds), ...blobBytes.keys()])
  return Object.fromEntries(
    [...kinds].map((kind) => {
      const { grantBytes, resultBytes, verifiedFlops } = kindWire(wire, kind)
      const blobs = blobBytes.get(kind) ?? 0
      const per = (bytes: number) => (bytes > 0 ? verifiedFlops / bytes : 0)
      return [
        kind,
        {
          verifiedFlops,
          grantBytes,
          blobBytes: blobs,
          resultBytes,
          flopsPerByteDown: per(grantBytes + blobs),
          flopsPerByteUp: per(resultBytes),
        },
      ]
    }),
  )
}

/** Blobs made in memory the most recently served that /api/status names one by one (row blocks come and go by the thousand). */
const SERVED_BLOBS_NAMED = 1024

/**
 * The blob store as served over libp2p and HTTP alike, counting the bytes served: in all, per blob
 * (every file; the most recent SERVED_BLOBS_NAMED made in memory) and per kind that added them.
 */
function createServedBlobs(store: BlobStore) {
  const served = {
    bytes: 0,
    byFile: new Map<string, number>(),
    byMade: new Map<string, number>(),
    byKind: new Map<string, number>(),
  }
  const source: BlobSource = {
    size: (key) => store.size(key),
    async read(key, offset, length) {
      const data = await store.read(key, offset, length)
      served.bytes += data.byteLength
      const kind = store.ownerOf(key) ?? 'jobs'
      served.byKind.set(kind, (served.byKind.get(kind) ?? 0) + data.byteLength)
      // Files (models, corpora) are named for ever; blobs made in memory, the most recent only.
      const named = store.isFile(key) ? served.byFile : served.byMade
      const before = named.get(key) ?? 0
      named.delete(key)
      named.set(key, before + data.byteLength)
      if (served.byMade.size > SERVED_BLOBS_NAMED) served.byMade.delete(served.byMade.keys().next().value!)
      return data
    },
  }
  return Object.assign(served, { source })
}

/** The offer heartbeat, the settlement loop and the directory announcements. */
function startTimers(options: Options, parts: Opened & { scheduler: Scheduler }, closers: Closers) {
  const { node, ledger, epochs, penalties, scheduler } = parts
  const validator = node.peerId.toString()
  const onInvalid = (peer: string) => penalties.record(peer, 'invalid gossip')
  const publisher = startOfferPublisher({
    node,
    netuid: options.netuid,
    offers: () => withBlobUrls(scheduler.offers(), options),
    intervalMs: options.offerIntervalMs,
    onInvalid,
    onError: (err) => log.error('publish failed: %e', err),
  })
  closers.push(() => publisher.stop())
  const settlement = startSettlementLoop({
    ...options,
    settlements: ledger.settlements,
    jobs: ledger.jobs,
    epochs,
    intervalMs: Math.min(options.epochLengthMs / 4, 60_000),
    log,
  })
  closers.push(() => settlement.stop())
  const announcer = startDirectoryPublisher({
    node,
    privateKey: parts.privateKey,
    intervalMs: options.directoryIntervalMs ?? DIRECTORY_INTERVAL_MS,
    announcement: async () => ({
      netuid: options.netuid,
      validator,
      multiaddrs: node
        .getMultiaddrs()
        .map((ma) => ma.toString())
        .filter((ma) => ma.endsWith(`/p2p/${validator}`)),
      offerings: scheduler
        .offers()
        .slice(0, MAX_ANNOUNCED_OFFERINGS)
        .map((o) => ({ kind: o.kind, kindVersion: o.kindVersion, models: o.blobs })),
      poolTao: formatTao(options.poolRao),
      epochCredit: (await ledger.settlements.epochCredit(epochs.current())).total,
      epoch: epochs.current(),
      epochEndsAt: epochs.startOf(epochs.current() + 1),
      ...(options.apiUrl?.() != null ? { api: options.apiUrl()! } : {}),
    }),
    onInvalid,
    onError: (err) => log.error('announce failed: %e', err),
  })
  closers.push(() => announcer.stop())
  return { settlement, announcer }
}

/** What /api/status (and /metrics, from it) says of the validator now. */
function statusOf(
  options: Options,
  parts: Omit<Opened, 'privateKey' | 'penalties'> &
    Awaited<ReturnType<typeof openWork>> &
    Awaited<ReturnType<typeof serveProtocols>> & { startedAt: number; multiaddrs(): string[] },
): () => Promise<ValidatorStatus> {
  const { node, ledger, epochs, scheduler, sources, blobsServed } = parts
  return async () => ({
    netuid: options.netuid,
    peerId: node.peerId.toString(),
    multiaddrs: parts.multiaddrs(),
    epoch: epochs.current(),
    epochLengthMs: epochs.lengthMs,
    epochEndsAt: epochs.startOf(epochs.current() + 1),
    // Kinds with work offered now: a source that offers nothing (the train kind's, waiting for a
    // training job; infer's, for requesters' jobs only) is not a kind a page can earn from.
    kinds: [...new Set(scheduler.offers().map((o) => o.kind))],
    offers: scheduler
      .offers()
      .map(({ offerId, kind, minFlops, maxFlops }) => ({ offerId, kind, minFlops, maxFlops })),
    shards: scheduler.stats(),
    audit: parts.audit.stats(),
    sources: Object.fromEntries([...sources].flatMap(([name, s]) => (s.stats ? [[name, s.stats()]] : []))),
    wire: wireOf(parts.leases.wire),
    ledger: await ledger.receipts.totals(),
    pool: {
      tao: formatTao(options.poolRao),
      epochCredit: (await ledger.settlements.epochCredit(epochs.current())).total,
    },
    peers: node.getPeers().length,
    blobBytesServed: blobsServed.bytes,
    blobBytesByBlob: Object.fromEntries([...blobsServed.byFile, ...blobsServed.byMade]),
    intensity: intensityOf(parts.leases.wire, blobsServed.byKind),
    uptimeMs: Date.now() - parts.startedAt,
  })
}

function wireOf(wire: WireStats): ValidatorStatus['wire'] {
  const sorted = [...wire.leaseMs].sort((a, b) => a - b)
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return {
    grantBytes: wire.grantBytes,
    resultBytes: wire.resultBytes,
    leases: wire.leases,
    leaseMsP50: at(0.5),
    leaseMsP99: at(0.99),
  }
}

async function stateDirOf(dataDir: string, kind: string): Promise<string> {
  const dir = join(dataDir, 'kinds', kind)
  await mkdir(dir, { recursive: true })
  return dir
}

/** A source for every kind the validator offers: those whose section is absent use their defaults. */
async function createSources(
  kinds: KindRegistry<ValidatorKind>,
  {
    blobs,
    workers,
    jobs,
    trainJobs,
  }: { blobs: BlobStore; workers: WorkerPool; jobs?: JobWork; trainJobs?: TrainJobWork },
  options: ValidatorOptions,
  ledger: Ledger,
  strikes: ReturnType<typeof createStrikes>,
  closers: Array<() => Promise<void> | void>,
): Promise<Map<string, WorkSource>> {
  const sources = new Map<string, WorkSource>()
  for (const kind of kinds.list()) {
    const source = await kind.createSource({
      config: options.subnet?.kinds[kind.name],
      configDir: options.subnet?.dir ?? process.cwd(),
      shippedDir: SHIPPED_DIR,
      stateDir: await stateDirOf(options.dataDir, kind.name),
      seed: options.seed,
      cursor: (key) => ledger.meta.get(key),
      blobs: blobs.forKind(kind.name),
      workers,
      ...(jobs != null ? { jobs } : {}),
      ...(trainJobs != null ? { trainJobs } : {}),
      strike: (peer, shardId, message) =>
        void strikes
          .record({ leaseId: 'late', shardId, contributor: peer, reason: 'verification-failed', message })
          .catch((err) => log.error('recording a strike failed: %e', err)),
    })
    if (source == null) continue
    sources.set(kind.name, source)
    if (source.close != null) closers.push(() => source.close!())
  }
  if (sources.size === 0) throw new RangeError('no work kind is configured to offer anything')
  return sources
}

/** Offers naming where their blobs are served over HTTP (protocol/blob-urls.ts): mirrors, then its own server. */
function withBlobUrls(
  offers: WorkOffer[],
  options: Pick<ValidatorOptions, 'apiUrl' | 'blobMirrors' | 'httpBlobs'>,
): WorkOffer[] {
  if (options.httpBlobs === false) return offers
  const api = options.apiUrl?.()
  const notes: Record<string, string> = {}
  for (const [i, url] of (options.blobMirrors ?? []).slice(0, MIRROR_NOTES.length).entries())
    notes[MIRROR_NOTES[i]] = url
  if (api != null) notes[BLOBS_NOTE] = new URL('blobs/', api).href
  return offers.map((o) => ({ ...o, notes: { ...o.notes, ...notes } }))
}
