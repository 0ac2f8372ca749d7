/**
 * `npm start` / `npm run validator`: runs a Tessera validator for one subnet and serves the site.
 */
import { DEFAULT_WORKERS } from './worker-pool.ts'
import './polyfills.ts'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { MIRROR_NOTES } from '../protocol/blob-urls.ts'
import { OFFER_NOTE_LIMITS } from '../protocol/codec.ts'
import { canonicalAddress } from '../wallet/claim-message.ts'
import { VALIDATOR_KINDS } from '../work/validator-kinds.ts'
import { startHttpServer } from './http-server.ts'
import { JOB_LIMITS } from './jobs/api.ts'
import { ASSURANCE_DEFAULTS } from './jobs/assurance.ts'
import { parseTao } from './settlement.ts'
import { loadSubnetConfig, type SubnetConfig } from './subnet-config.ts'
import { createValidator, VALIDATOR_DEFAULTS } from './validator.ts'

const KIND_FLAGS = VALIDATOR_KINDS.flatMap((kind) =>
  Object.entries(kind.flags ?? {}).map(([flag, spec]) => ({ flag, kind: kind.name, ...spec })),
)

const HELP = `Usage: npm run validator -- [options]

Runs a Tessera validator: offers work (${VALIDATOR_KINDS.map((k) => k.name).join(', ')}) on libp2p
gossip, leases shards sized to each contributor, verifies results, credits a SQLite ledger, and
serves the contributor site over HTTP.

Options:
  --netuid <n>          subnet id (default 1)
  --listen <multiaddr>  libp2p listen address, repeatable (default /ip4/127.0.0.1/tcp/9797/ws)
  --announce <multiaddr>  libp2p address pages and peers are given instead of --listen's (repeatable):
                        a proxy or NAT in front of the validator
  --public-url <url>    the HTTP server's address as pages reach it (a proxy or CDN in front), ending
                        in /: announced as the API and named in offers for blobs (default: its own)
  --http-host <host>    HTTP bind address (default 127.0.0.1)
  --http-port <port>    HTTP port, 0 for any free one (default 8787)
  --data-dir <dir>      ledger and peer key directory (default ./data)
  --ledger <url>        postgres://… : a ledger shared with the pool's other validator processes
                        (one per subnet or region); default: SQLite in the data dir
  --site-dir <dir>      built site to serve (default ./dist)
  --subnet <file>       subnet config: a section per work kind (see docs/SUBNET-OWNERS.md);
                        --models is the same option under its old name
  --epoch-length <s>    epoch length in seconds (default ${VALIDATOR_DEFAULTS.epochLengthMs / 1000}, one tempo)
  --seed <n>            seed of synthetic work (default 1)
  --lease-ttl <s>       seconds a contributor has to return a shard (default ${VALIDATOR_DEFAULTS.leaseTtlMs / 1000})
  --shard-ms <ms>       wall time a shard should take on its contributor (default ${VALIDATOR_DEFAULTS.targetShardMs})
  --verify-threads <n>  threads that verify results (default ${DEFAULT_WORKERS}: one per core but one; 0: on the event loop)
  --strike-limit <n>    misshapen or non-finite results per epoch before a contributor forfeits it
                        (default ${VALIDATOR_DEFAULTS.strikeLimit}); one wrong result forfeits it at once
  --audit-samples <k>   results of each contributor and epoch always among those recomputed in full
                        (reservoir sampling, docs/RELIABILITY.md; default ${VALIDATOR_DEFAULTS.auditSamples})
  --pool <tao>          what the pool pays out per epoch, split pro rata of verified credit (default 1)
  --peer <multiaddr>    another validator to connect to (repeatable): directory announcements
                        reach across validators, and pages learn every one from any one
  --blob-mirror <url>   a mirror serving the validator's blobs as <url><sha256> (repeatable, up to 3):
                        offers name it, pages fetch models, panels and row blocks there first
  --no-http-blobs       offers name no HTTP URL for blobs: pages fetch them over libp2p (benchmarks)
  --claim-epochs <n>    epochs after its own during which a receipt can be claimed (default ${VALIDATOR_DEFAULTS.claimEpochs})
  --hotkeys <file>      JSON {"<ss58 address>": <uid>} for the Bittensor weights export
  --chain-endpoint <url>   pay settled epochs on chain through this node's RPC (off by default)
  --payout-seed-file <file> secret URI of the paying account, needed with --chain-endpoint
  --job-tokens <file>   requesters' job tokens, one "<name> <token>" per line (the owner token is
                        made at first start in the data dir); docs/JOBS.md
  --no-jobs             take no jobs
  --job-max-upload <MiB>    largest dataset upload (default ${JOB_LIMITS.maxUploadBytes / 2 ** 20})
  --job-max-model <MiB>     largest model upload (default ${JOB_LIMITS.maxModelBytes / 2 ** 20})
  --job-max-records <n>     records in one job (default ${JOB_LIMITS.maxRecords})
  --job-max-record <KiB>    one record's line (default ${JOB_LIMITS.maxRecordBytes / 1024})
  --job-max-open <n>        jobs one token may have running or paused (default ${JOB_LIMITS.maxOpenJobs})
  --job-trust-items <n>     a contributor's records recomputed and found right before its job results
                            may be taken on its word (default ${ASSURANCE_DEFAULTS.trustItems}; docs/JOBS.md)
  --job-check-rate <p>      share of an established contributor's job results still recomputed
                            (default ${ASSURANCE_DEFAULTS.checkRate}; 1 recomputes every one)
${KIND_FLAGS.map((f) => `  --${f.flag.padEnd(20)} ${f.kind}: ${f.help}`).join('\n')}
  -h, --help            show this help
`

function publicUrl(url: string | undefined): string | undefined {
  if (url != null && !/^https?:\/\/.+\/$/.test(url))
    fail(`--public-url ${url}: must be an http(s) URL ending in /`)
  return url
}

function mirrors(urls: string[]): string[] {
  if (urls.length > MIRROR_NOTES.length) fail(`at most ${MIRROR_NOTES.length} --blob-mirror`)
  for (const url of urls) {
    if (!/^https?:\/\/.+\/$/.test(url) || url.length > OFFER_NOTE_LIMITS.value)
      fail(
        `--blob-mirror ${url}: must be an http(s) URL ending in / of at most ${OFFER_NOTE_LIMITS.value} characters`,
      )
  }
  return urls
}

function fail(message: string): never {
  process.stderr.write(`tessera: ${message}\n\n${HELP}`)
  process.exit(2)
}

function int(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value == null) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got "${value}"`)
  return n
}

function rate(name: string, value: string | undefined, fallback: number): number {
  if (value == null) return fallback
  const n = Number(value)
  if (!(n >= 0 && n <= 1)) fail(`--${name} must be a number from 0 to 1, got "${value}"`)
  return n
}

const OPTIONS = {
  netuid: { type: 'string' },
  listen: { type: 'string', multiple: true },
  peer: { type: 'string', multiple: true },
  'blob-mirror': { type: 'string', multiple: true },
  announce: { type: 'string', multiple: true },
  'public-url': { type: 'string' },
  'no-http-blobs': { type: 'boolean' },
  'http-host': { type: 'string' },
  'http-port': { type: 'string' },
  'data-dir': { type: 'string' },
  ledger: { type: 'string' },
  'site-dir': { type: 'string' },
  subnet: { type: 'string' },
  models: { type: 'string' },
  'epoch-length': { type: 'string' },
  seed: { type: 'string' },
  'lease-ttl': { type: 'string' },
  'shard-ms': { type: 'string' },
  'verify-threads': { type: 'string' },
  pool: { type: 'string' },
  'strike-limit': { type: 'string' },
  'audit-samples': { type: 'string' },
  'claim-epochs': { type: 'string' },
  hotkeys: { type: 'string' },
  'chain-endpoint': { type: 'string' },
  'payout-seed-file': { type: 'string' },
  'job-tokens': { type: 'string' },
  'no-jobs': { type: 'boolean' },
  'job-max-upload': { type: 'string' },
  'job-max-model': { type: 'string' },
  'job-max-records': { type: 'string' },
  'job-max-record': { type: 'string' },
  'job-max-open': { type: 'string' },
  'job-trust-items': { type: 'string' },
  'job-check-rate': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(KIND_FLAGS.map((f) => [f.flag, { type: 'string' }])),
} as const

type Values = Record<string, string | string[] | boolean | undefined>

function parse() {
  let values: Values
  try {
    values = parseArgs({ options: OPTIONS, allowPositionals: false }).values as Values
  } catch (err) {
    fail((err as Error).message)
  }
  if (values.help) {
    process.stdout.write(HELP)
    process.exit(0)
  }
  const str = (name: string) => values[name] as string | undefined
  return {
    netuid: int('netuid', str('netuid'), 1),
    listen: (values.listen as string[] | undefined) ?? ['/ip4/127.0.0.1/tcp/9797/ws'],
    peers: (values.peer as string[] | undefined) ?? [],
    announce: (values.announce as string[] | undefined) ?? [],
    publicUrl: publicUrl(str('public-url')),
    httpBlobs: values['no-http-blobs'] !== true,
    blobMirrors: mirrors((values['blob-mirror'] as string[] | undefined) ?? []),
    httpHost: str('http-host') ?? '127.0.0.1',
    httpPort: int('http-port', str('http-port'), 8787),
    dataDir: resolve(str('data-dir') ?? 'data'),
    ledgerUrl: ledgerUrl(str('ledger')),
    siteDir: resolve(str('site-dir') ?? 'dist'),
    epochLengthMs:
      int('epoch-length', str('epoch-length'), VALIDATOR_DEFAULTS.epochLengthMs / 1000, 1) * 1000,
    seed: int('seed', str('seed'), 1),
    leaseTtlMs: int('lease-ttl', str('lease-ttl'), VALIDATOR_DEFAULTS.leaseTtlMs / 1000, 1) * 1000,
    targetShardMs: int('shard-ms', str('shard-ms'), VALIDATOR_DEFAULTS.targetShardMs, 1),
    verifyThreads: int('verify-threads', str('verify-threads'), DEFAULT_WORKERS),
    claimEpochs: int('claim-epochs', str('claim-epochs'), VALIDATOR_DEFAULTS.claimEpochs),
    poolRao: tao(str('pool') ?? '1'),
    strikeLimit: int('strike-limit', str('strike-limit'), VALIDATOR_DEFAULTS.strikeLimit, 1),
    auditSamples: int('audit-samples', str('audit-samples'), VALIDATOR_DEFAULTS.auditSamples, 1),
    hotkeys: str('hotkeys') == null ? undefined : readHotkeys(str('hotkeys')!),
    jobs: values['no-jobs']
      ? (false as const)
      : {
          ...(str('job-tokens') != null ? { tokensFile: resolve(str('job-tokens')!) } : {}),
          limits: {
            maxUploadBytes:
              int('job-max-upload', str('job-max-upload'), JOB_LIMITS.maxUploadBytes / 2 ** 20, 1) * 2 ** 20,
            maxModelBytes:
              int('job-max-model', str('job-max-model'), JOB_LIMITS.maxModelBytes / 2 ** 20, 1) * 2 ** 20,
            maxRecords: int('job-max-records', str('job-max-records'), JOB_LIMITS.maxRecords, 1),
            maxRecordBytes:
              int('job-max-record', str('job-max-record'), JOB_LIMITS.maxRecordBytes / 1024, 1) * 1024,
            maxOpenJobs: int('job-max-open', str('job-max-open'), JOB_LIMITS.maxOpenJobs, 1),
          },
          assurance: {
            trustItems: int('job-trust-items', str('job-trust-items'), ASSURANCE_DEFAULTS.trustItems),
            checkRate: rate('job-check-rate', str('job-check-rate'), ASSURANCE_DEFAULTS.checkRate),
          },
        },
    chain: chain(str('chain-endpoint'), str('payout-seed-file')),
    subnetFile: str('subnet') ?? str('models'),
    kindFlags: KIND_FLAGS.flatMap((f) => (str(f.flag) == null ? [] : [{ ...f, value: str(f.flag)! }])),
  }
}

function ledgerUrl(value: string | undefined): string | undefined {
  if (value != null && !/^postgres(ql)?:\/\//.test(value))
    fail(`--ledger must be a postgres:// URL, got "${value}"`)
  return value
}

function tao(value: string): bigint {
  try {
    return parseTao(value)
  } catch (err) {
    fail(`--pool: ${(err as Error).message}`)
  }
}

function readHotkeys(path: string): Map<string, number> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    fail(`--hotkeys: cannot read ${path}: ${(err as Error).message}`)
  }
  const map = new Map<string, number>()
  for (const [address, uid] of Object.entries(parsed as Record<string, unknown>)) {
    const canonical = canonicalAddress(address)
    if (canonical == null || !Number.isInteger(uid) || (uid as number) < 0 || (uid as number) > 65_535) {
      fail(`--hotkeys: "${address}": ${String(uid)} is not an SS58 address mapped to a uid`)
    }
    map.set(canonical, uid as number)
  }
  return map
}

function chain(endpoint: string | undefined, seedFile: string | undefined) {
  if (endpoint == null && seedFile == null) return undefined
  if (endpoint == null || seedFile == null) fail('--chain-endpoint and --payout-seed-file go together')
  return { endpoint, seed: readFileSync(seedFile, 'utf8').trim() }
}

/** The subnet file's sections with the kinds' CLI flags laid over them. */
async function subnetConfig(config: ReturnType<typeof parse>): Promise<SubnetConfig> {
  const kinds = VALIDATOR_KINDS.map((k) => k.name)
  const subnet =
    config.subnetFile == null
      ? { kinds: {}, dir: process.cwd() }
      : await loadSubnetConfig(config.subnetFile, kinds)
  for (const f of config.kindFlags) {
    const section = subnet.kinds[f.kind]
    if (section === false) fail(`--${f.flag}: the subnet config turns ${f.kind} off`)
    subnet.kinds[f.kind] = { ...(section as object | undefined), [f.key]: f.value }
  }
  return subnet
}

/** A connection URL fit for a log: its password replaced. */
function redactPassword(url: string): string {
  const u = new URL(url)
  if (u.password !== '') u.password = '***'
  return u.toString()
}

async function main(): Promise<void> {
  const config = parse()
  let api: string | undefined
  const validator = await createValidator({
    ...config,
    subnet: await subnetConfig(config),
    apiUrl: () => api,
  })
  const http = await startHttpServer({
    host: config.httpHost,
    port: config.httpPort,
    siteDir: config.siteDir,
    api: validator.api,
    metrics: () => validator.metrics.render(),
    blobs: validator.blobs,
    ...(validator.jobs != null ? { jobs: validator.jobs.api } : {}),
  })
  api = config.publicUrl ?? http.url
  process.stdout.write(
    [
      `Tessera validator for subnet ${config.netuid}`,
      `  peer id  ${validator.peerId}`,
      ...validator.multiaddrs().map((ma) => `  libp2p   ${ma}`),
      `  ledger   ${config.ledgerUrl == null ? config.dataDir : redactPassword(config.ledgerUrl)}`,
      ...(validator.jobs?.createdToken != null
        ? [
            `  jobs     owner token ${validator.jobs.createdToken} (shown once; kept in ${config.dataDir}/owner.token)`,
          ]
        : []),
      `Open ${http.url} to contribute.`,
      '',
    ].join('\n'),
  )

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\n${signal}: stopping\n`)
    await http.close()
    await validator.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

// yamux (libp2p) can send a window update from a microtask after a peer's connection closed, which
// surfaces as an uncaught StreamStateError. It concerns one dead stream, not the validator: log it
// and keep serving. Anything else uncaught still ends the process.
process.on('uncaughtException', (err) => {
  if (err?.name === 'StreamStateError') {
    process.stderr.write(`tessera: ignored a write to a closed libp2p stream: ${err.message}\n`)
    return
  }
  process.stderr.write(`tessera: ${err?.stack ?? err}\n`)
  process.exit(1)
})

main().catch((err) => {
  process.stderr.write(`tessera: ${(err as Error).stack ?? err}\n`)
  process.exit(1)
})
