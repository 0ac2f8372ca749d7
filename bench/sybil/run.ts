/**
 * `npm run bench -- sybil [--identities 200] [--addresses 8 | --ranges 200] [--honest 2] [--seconds 60] [--caps off]`:
 * honest throughput under a swarm of free identities. A validator (small gemm layer) on loopback
 * WebSockets; honest Node contributors on threads of their own, each dialing from its own loopback
 * address range; then a swarm of fresh identities on `--addresses` addresses of two other ranges, or
 * spread over `--ranges` address ranges (one loopback address in each 127.x.y.0/24: a botnet, or
 * IPv6 users), each hoarding the largest leases it can get and never handing a result in. Measures the honest
 * contributors' verified FLOPs and receipts per minute with no attack and under the swarm, what the
 * swarm holds, and the validator's memory. The honest contributors run at a duty cycle (`--duty`,
 * 0.4), or as devices of a fixed speed (`--device <GFLOP/s>`: each product computed here, then held
 * until it has taken as long as such a device would), which stand for browsers elsewhere: what falls
 * is what the validator fails to give them, not this machine's two cores shared with the attacker
 * (a duty cycle is measured in wall time, so on shared cores it slows with them). The swarm runs at
 * the lowest CPU priority for the same reason. `--caps off` lifts the per-address and per-range caps (per-identity
 * allowances only) to show what they do; `--hoard off` connects the swarm without asking for work
 * (what 200 more peers cost by themselves). Writes bench/results/sybil[-<n>ranges|-<n>address][-nocaps][-idle].json.
 */
import '../../src/validator/polyfills.ts'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { createValidator } from '../../src/validator/validator.ts'
import { gemmValidator } from '../../src/work/gemm/validator.ts'

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    identities: { type: 'string', default: '200' },
    addresses: { type: 'string', default: '8' },
    ranges: { type: 'string' },
    honest: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '60' },
    caps: { type: 'string', default: 'on' },
    duty: { type: 'string', default: '0.4' },
    device: { type: 'string' },
    hoard: { type: 'string', default: 'on' },
  },
})
const identities = Number(values.identities)
const seconds = Number(values.seconds)
const caps = values.caps !== 'off'
const root = join(import.meta.dirname, '..', '..')
const UNCAPPED = {
  maxConnectionLeases: Infinity,
  youngAddressFlops: Infinity,
  youngRangeFlops: Infinity,
  youngRangeBytes: Infinity,
  maxRangeFlops: Infinity,
  maxRangeBytes: Infinity,
}

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-sybil-'))
const validator = await createValidator({
  netuid: 1,
  dataDir,
  listen: ['/ip4/127.0.0.1/tcp/0/ws'],
  seed: 1,
  kinds: [gemmValidator],
  subnet: { kinds: { gemm: { batchRows: 256, inFeatures: 256, outFeatures: 512 } }, dir: root },
  verifyThreads: 1,
  scheduler: caps ? {} : UNCAPPED,
})
const address = validator.multiaddrs()[0]
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024

function thread(module: string, data: unknown): Worker {
  const href = JSON.stringify(new URL(module, import.meta.url).href)
  return new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${href}, ${href}))`, {
    eval: true,
    workerData: data,
  })
}

// Honest contributors, each on an address range of its own.
const honest = { receipts: 0, flops: 0, refused: {} as Record<string, number> }
const honestWorkers = Array.from({ length: Number(values.honest) }, (_, i) => {
  const w = thread('../fuzz/honest.ts', {
    address,
    localAddress: `127.0.${i + 1}.2`,
    dutyCycle: values.device == null ? Number(values.duty) : 1,
    deviceFlops: values.device == null ? undefined : Number(values.device) * 1e9,
  })
  w.on('message', (m: number | { flops?: number; event?: string; detail?: string }) => {
    if (typeof m === 'number') honest.receipts++
    else if (m.flops != null) honest.flops += m.flops
    else if (m.event === 'refused') honest.refused[m.detail!] = (honest.refused[m.detail!] ?? 0) + 1
  })
  return w
})

/** CPU seconds of a process, or of one thread of this one (/proc/<pid>/task/<tid>/stat). */
const cpuSeconds = (stat: string) => {
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const validatorThread = `/proc/self/task/${process.pid}/stat`
let swarmStat: string | undefined
const pause = (s: number) => new Promise((r) => setTimeout(r, s * 1000))
async function measure() {
  const start = { ...honest, refused: { ...honest.refused } }
  const cpu = { validator: cpuSeconds(validatorThread), swarm: swarmStat == null ? 0 : cpuSeconds(swarmStat) }
  const rss: number[] = []
  const sampler = setInterval(() => rss.push(rssMiB()), 1000)
  await pause(seconds)
  clearInterval(sampler)
  return {
    receiptsPerMinute: +(((honest.receipts - start.receipts) * 60) / seconds).toFixed(1),
    gflopPerMinute: +(((honest.flops - start.flops) * 60) / seconds / 1e9).toFixed(2),
    validatorRssMiB: +Math.max(...rss).toFixed(0),
    honestRefusals: Object.fromEntries(
      Object.entries(honest.refused).map(([reason, n]) => [reason, n - (start.refused[reason] ?? 0)]),
    ),
    loadAverage: +loadavg()[0].toFixed(2),
    // Cores used: the validator's event loop (this process's main thread), and the attacker's process.
    validatorLoopCores: +((cpuSeconds(validatorThread) - cpu.validator) / seconds).toFixed(2),
    swarmCores: swarmStat == null ? 0 : +((cpuSeconds(swarmStat) - cpu.swarm) / seconds).toFixed(2),
    scheduler: validator.scheduler.stats(),
  }
}

await pause(15) // connect, first shards, allowances grow past the newcomer's
const quiet = await measure()
console.log('no attack', JSON.stringify(quiet))

// The swarm: two ranges the honest contributors are not in, or one address in each of `ranges`.
const ranges = values.ranges == null ? undefined : Number(values.ranges)
const addresses =
  ranges != null
    ? Array.from({ length: ranges }, (_, i) => `127.${100 + (i >> 8)}.${i & 255}.10`)
    : Array.from({ length: Number(values.addresses) }, (_, i) => `127.0.${100 + (i % 2)}.${10 + i}`)
let swarmStats: Record<string, unknown> = {}
// At the lowest CPU priority: a real attacker runs on its own machines, and on this one of two cores
// the swarm's own libp2p work would otherwise take the honest contributors' and the validator's CPU.
const swarm = spawn(
  'nice',
  ['-n', '19', process.execPath, '--import', 'tsx', join(import.meta.dirname, 'swarm.ts')],
  {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      SWARM: JSON.stringify({
        address,
        identities,
        addresses,
        kindVersion: gemmValidator.version,
        hoard: values.hoard !== 'off',
      }),
    },
  },
)
// `nice` execs node in place: the pid is the swarm's own.
swarmStat = `/proc/${swarm.pid}/stat`
swarm.on('message', (m: Record<string, unknown>) => {
  swarmStats = m
})
const rampStarted = Date.now()
while ((swarmStats.connected as number | undefined) !== identities && Date.now() - rampStarted < 1_800_000) {
  await pause(1)
  if (Math.round((Date.now() - rampStarted) / 1000) % 30 === 0)
    console.log(
      `  ${swarmStats.connected ?? 0} of ${identities} identities connected (${JSON.stringify(swarmStats.refusals ?? {})}, failures ${JSON.stringify(swarmStats.failures ?? {})})`,
    )
}
const rampSeconds = (Date.now() - rampStarted) / 1000
console.log(`swarm of ${swarmStats.connected} identities connected in ${rampSeconds.toFixed(0)} s`)
const attacked = await measure()
console.log('under attack', JSON.stringify(attacked), JSON.stringify(swarmStats))

const result = {
  benchmark: 'sybil',
  date: new Date().toISOString(),
  caps,
  hoard: values.hoard !== 'off',
  identities,
  attackerRanges: new Set(addresses.map((a) => a.split('.').slice(0, 3).join('.'))).size,
  attackerAddresses: addresses.length > 16 ? [...addresses.slice(0, 8), '…'] : addresses,
  honestContributors: honestWorkers.length,
  honestDutyCycle: values.device == null ? Number(values.duty) : 1,
  honestDeviceGflops: values.device == null ? null : Number(values.device),
  secondsPerPhase: seconds,
  swarmRampSeconds: +rampSeconds.toFixed(1),
  noAttack: quiet,
  underAttack: attacked,
  swarm: swarmStats,
  honestShareOfNoAttack: {
    receipts: +(attacked.receiptsPerMinute / quiet.receiptsPerMinute).toFixed(3),
    flops: +(attacked.gflopPerMinute / quiet.gflopPerMinute).toFixed(3),
  },
}
const variant = [
  ranges != null ? `-${ranges}ranges` : values.addresses !== '8' ? `-${values.addresses}address` : '',
  caps ? '' : '-nocaps',
  values.hoard === 'off' ? '-idle' : '',
].join('')
const out = join(root, 'bench', 'results', `sybil${variant}.json`)
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
console.table({ 'no attack': quiet, 'under attack': attacked })
console.log(
  `honest share of the no-attack rate: ${JSON.stringify(result.honestShareOfNoAttack)}; wrote ${out}`,
)

// A swarm that hoards a validator into the ground may not stop politely: it gets 20 s.
swarm.send('stop')
await Promise.race([new Promise((r) => swarm.once('exit', r)), pause(20)])
swarm.kill('SIGKILL')
for (const w of honestWorkers) {
  w.postMessage('stop')
  await new Promise((r) => w.once('exit', r))
}
await validator.stop()
rmSync(dataDir, { recursive: true, force: true })

process.exit(0)
