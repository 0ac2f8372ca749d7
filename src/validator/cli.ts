/**
 * `npm start` / `npm run validator`: runs a Tessera validator for one subnet and serves the site.
 */
import './polyfills.ts'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { canonicalAddress } from '../wallet/claim-message.ts'
import { startHttpServer } from './http-server.ts'
import { parseTao } from './settlement.ts'
import { loadSubnetConfig } from './subnet-config.ts'
import { createValidator, VALIDATOR_DEFAULTS } from './validator.ts'

const HELP = `Usage: npm run validator -- [options]

Runs a Tessera validator: offers GEMM shards on libp2p gossip, verifies results, credits a SQLite
ledger, and serves the contributor site over HTTP.

Options:
  --netuid <n>          subnet id (default 1)
  --listen <multiaddr>  libp2p listen address, repeatable (default /ip4/127.0.0.1/tcp/9797/ws)
  --http-host <host>    HTTP bind address (default 127.0.0.1)
  --http-port <port>    HTTP port, 0 for any free one (default 8787)
  --data-dir <dir>      ledger and peer key directory (default ./data)
  --site-dir <dir>      built site to serve (default ./dist)
  --epoch-length <s>    epoch length in seconds (default ${VALIDATOR_DEFAULTS.epochLengthMs / 1000}, one tempo)
  --tile <R>x<C>        output tile size of each shard (default ${VALIDATOR_DEFAULTS.tileRows}x${VALIDATOR_DEFAULTS.tileCols})
  --in-features <k>     inner dimension K of the synthetic layer (default ${VALIDATOR_DEFAULTS.inFeatures})
  --out-features <n>    output features of the synthetic layer (default ${VALIDATOR_DEFAULTS.outFeatures})
  --batch-rows <m>      rows per batch of the synthetic layer (default ${VALIDATOR_DEFAULTS.batchRows})
  --seed <n>            seed of the synthetic layer (default 1)
  --lease-ttl <s>       seconds a contributor has to return a shard (default ${VALIDATOR_DEFAULTS.leaseTtlMs / 1000})
  --models <file>       subnet config with ONNX models to offer as infer work (see docs/SUBNET-OWNERS.md)
  --strike-limit <n>    failed verifications per epoch before a contributor forfeits it (default ${VALIDATOR_DEFAULTS.strikeLimit})
  --pool <tao>          what the pool pays out per epoch, split pro rata of verified credit (default 1)
  --claim-epochs <n>    epochs after its own during which a receipt can be claimed (default ${VALIDATOR_DEFAULTS.claimEpochs})
  --hotkeys <file>      JSON {"<ss58 address>": <uid>} for the Bittensor weights export
  --chain-endpoint <url>   pay settled epochs on chain through this node's RPC (off by default)
  --payout-seed-file <file> secret URI of the paying account, needed with --chain-endpoint
  -h, --help            show this help
`

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

function parse() {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values']
  try {
    values = parseArgs({ options: OPTIONS, allowPositionals: false }).values
  } catch (err) {
    fail((err as Error).message)
  }
  if (values.help) {
    process.stdout.write(HELP)
    process.exit(0)
  }
  const [tileRows, tileCols] = (
    values.tile ?? `${VALIDATOR_DEFAULTS.tileRows}x${VALIDATOR_DEFAULTS.tileCols}`
  )
    .split('x')
    .map((v) => int('tile', v, 0, 1))
  if (tileCols == null) fail('--tile must look like 64x64')
  return {
    netuid: int('netuid', values.netuid, 1),
    listen: values.listen ?? ['/ip4/127.0.0.1/tcp/9797/ws'],
    httpHost: values['http-host'] ?? '127.0.0.1',
    httpPort: int('http-port', values['http-port'], 8787),
    dataDir: resolve(values['data-dir'] ?? 'data'),
    siteDir: resolve(values['site-dir'] ?? 'dist'),
    epochLengthMs:
      int('epoch-length', values['epoch-length'], VALIDATOR_DEFAULTS.epochLengthMs / 1000, 1) * 1000,
    tileRows,
    tileCols,
    inFeatures: int('in-features', values['in-features'], VALIDATOR_DEFAULTS.inFeatures, 1),
    outFeatures: int('out-features', values['out-features'], VALIDATOR_DEFAULTS.outFeatures, 1),
    batchRows: int('batch-rows', values['batch-rows'], VALIDATOR_DEFAULTS.batchRows, 1),
    seed: int('seed', values.seed, 1),
    leaseTtlMs: int('lease-ttl', values['lease-ttl'], VALIDATOR_DEFAULTS.leaseTtlMs / 1000, 1) * 1000,
    claimEpochs: int('claim-epochs', values['claim-epochs'], VALIDATOR_DEFAULTS.claimEpochs),
    poolRao: tao(values.pool ?? '1'),
    strikeLimit: int('strike-limit', values['strike-limit'], VALIDATOR_DEFAULTS.strikeLimit, 1),
    hotkeys: values.hotkeys == null ? undefined : readHotkeys(values.hotkeys),
    chain: chain(values['chain-endpoint'], values['payout-seed-file']),
    modelsFile: values.models,
  }
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

const OPTIONS = {
  netuid: { type: 'string' },
  listen: { type: 'string', multiple: true },
  'http-host': { type: 'string' },
  'http-port': { type: 'string' },
  'data-dir': { type: 'string' },
  'site-dir': { type: 'string' },
  'epoch-length': { type: 'string' },
  tile: { type: 'string' },
  'in-features': { type: 'string' },
  'out-features': { type: 'string' },
  'batch-rows': { type: 'string' },
  seed: { type: 'string' },
  'lease-ttl': { type: 'string' },
  pool: { type: 'string' },
  'strike-limit': { type: 'string' },
  models: { type: 'string' },
  'claim-epochs': { type: 'string' },
  hotkeys: { type: 'string' },
  'chain-endpoint': { type: 'string' },
  'payout-seed-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

async function main(): Promise<void> {
  const config = parse()
  const subnet = config.modelsFile == null ? undefined : await loadSubnetConfig(config.modelsFile)
  const validator = await createValidator({ ...config, subnet })
  const http = await startHttpServer({
    host: config.httpHost,
    port: config.httpPort,
    siteDir: config.siteDir,
    api: {
      bootstrap: () => ({
        netuid: config.netuid,
        peerId: validator.peerId.toString(),
        multiaddrs: validator.multiaddrs(),
        epoch: validator.epochs.current(),
        claimEpochs: config.claimEpochs,
      }),
      status: () => validator.status(),
      claims: (address) => validator.claimsFor(address),
      contributors: (peer) =>
        /^[1-9A-HJ-NP-Za-km-z]{32,128}$/.test(peer) ? validator.ledger.contributor(peer) : undefined,
    },
  })
  process.stdout.write(
    [
      `Tessera validator for subnet ${config.netuid}`,
      `  peer id  ${validator.peerId}`,
      ...validator.multiaddrs().map((ma) => `  libp2p   ${ma}`),
      `  ledger   ${config.dataDir}`,
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
