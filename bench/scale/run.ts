/**
 * `npm run bench -- scale [--contributors 10,100,1000] [--seconds 30] [--layouts one,pool]`: one
 * validator, then three validators of two subnets (two on subnet 1, one on subnet 2), each in a
 * process of its own, against simulated contributors (real libp2p and client, CPU compute on small
 * gemm shards) in two processes, at each count. Per step: leases/s and receipts/s, the validator's
 * p50/p99 time to answer a lease, gossip RPCs, messages and bytes per contributor per offer
 * published and sent by the validator per offer, validator CPU (share of one core) and memory.
 * Writes bench/results/scale.json.
 */
import '../../src/validator/polyfills.ts'
import { type ChildProcess, fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    contributors: { type: 'string', default: '10,100,1000' },
    seconds: { type: 'string', default: '30' },
    layouts: { type: 'string', default: 'one,pool' },
  },
})
const counts = values.contributors.split(',').map(Number)
const seconds = Number(values.seconds)
const pause = (s: number) => new Promise((r) => setTimeout(r, s * 1000))

interface ValidatorSample {
  at: number
  address: string
  leases: number
  leaseMsP50: number
  leaseMsP99: number
  receipts: number
  published: number
  gossip: { messagesOut: number; bytesOut: number }
  cpuSeconds: number
  rssMiB: number
}

interface FleetSample {
  connected: number
  receipts: number
  errors: number
  gossip: { rpcsIn: number; messagesIn: number; bytesIn: number }
}

interface Child<S> {
  process: ChildProcess
  /** Validators: the address they announced. */
  first: { address: string }
  sample(): Promise<S>
  stop(): Promise<void>
}

function child<S>(module: string, env: Record<string, string>): Promise<Child<S>> {
  const p = fork(join(import.meta.dirname, module), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const next = <T>() => new Promise<T>((resolve) => p.once('message', resolve as (m: unknown) => void))
  const wrap = (first: { address: string }) => ({
    process: p,
    first,
    sample: () => {
      const answer = next<S>()
      p.send('sample')
      return answer
    },
    stop: async () => {
      const exited = new Promise((r) => p.once('exit', r))
      p.send('stop')
      await Promise.race([exited, pause(20)])
      if (p.exitCode == null) p.kill('SIGKILL')
    },
  })
  // Validators announce their address first; contributor processes answer samples only.
  return module.includes('validator')
    ? next<{ address: string }>().then(wrap)
    : Promise.resolve(wrap({ address: '' }))
}

/** Validators (netuid each) and which validators each subnet's contributors join. */
const LAYOUTS: Record<string, number[]> = { one: [1], pool: [1, 1, 2] }

async function step(layout: string, contributors: number) {
  const netuids = LAYOUTS[layout]
  const validators = await Promise.all(
    netuids.map((netuid, i) =>
      child<ValidatorSample>('validator.ts', { SCALE_VALIDATOR: JSON.stringify({ netuid, seed: i + 1 }) }),
    ),
  )
  const subnets = [...new Set(netuids)]
  // Contributors split over the subnets in proportion to their validators; two processes per subnet at most.
  const groups = subnets.flatMap((netuid) => {
    const share = Math.round((contributors * netuids.filter((n) => n === netuid).length) / netuids.length)
    const procs = share >= 100 ? 2 : 1
    return Array.from({ length: procs }, (_, k) => ({
      netuid,
      count: Math.floor(share / procs) + (k < share % procs ? 1 : 0),
    }))
  })
  const firsts = groups.map((_, k) => groups.slice(0, k).reduce((s, g) => s + g.count, 0))
  const fleets = await Promise.all(
    groups.map((g, k) => {
      const env = {
        SCALE_CONTRIBUTORS: JSON.stringify({
          count: g.count,
          first: firsts[k],
          netuid: g.netuid,
          validators: validators.filter((_, i) => netuids[i] === g.netuid).map((v) => v.first.address),
        }),
      }
      return child<FleetSample>('contributors.ts', env)
    }),
  )
  const total = groups.reduce((s, g) => s + g.count, 0)
  const started = Date.now()
  while (Date.now() - started < 600_000) {
    const connected = (await Promise.all(fleets.map((f) => f.sample()))).reduce((s, f) => s + f.connected, 0)
    if (connected >= total) break
    await pause(2)
  }
  const rampSeconds = (Date.now() - started) / 1000
  for (const f of fleets) f.process.send('start')
  await pause(10) // first shards, allowances
  const before = await Promise.all(validators.map((v) => v.sample()))
  const fleetBefore = await Promise.all(fleets.map((f) => f.sample()))
  await pause(seconds)
  const after = await Promise.all(validators.map((v) => v.sample()))
  const fleetAfter = await Promise.all(fleets.map((f) => f.sample()))
  await Promise.all(fleets.map((f) => f.stop()))
  await Promise.all(validators.map((v) => v.stop()))

  const wall = (after[0].at - before[0].at) / 1000
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0)
  const offers = sum(after, (a) => a.published) - sum(before, (b) => b.published)
  const connected = sum(fleetAfter, (f) => f.connected)
  const per = (x: number, n: number) => (n > 0 ? +(x / n).toFixed(2) : null)
  // Offers reach a contributor from each validator of its subnet: per contributor per offer published to it.
  const offersSeen = subnets.reduce((s, netuid) => {
    const pubs = validators.reduce(
      (p, _, i) => p + (netuids[i] === netuid ? after[i].published - before[i].published : 0),
      0,
    )
    const members = sum(
      fleetAfter.filter((_, k) => groups[k].netuid === netuid),
      (f) => f.connected,
    )
    return s + pubs * members
  }, 0)
  const result = {
    layout,
    validators: netuids.length,
    subnets: subnets.length,
    contributors: connected,
    rampSeconds: +rampSeconds.toFixed(1),
    leasesPerSecond: +((sum(after, (a) => a.leases) - sum(before, (b) => b.leases)) / wall).toFixed(1),
    receiptsPerSecond: +((sum(after, (a) => a.receipts) - sum(before, (b) => b.receipts)) / wall).toFixed(1),
    leaseMs: after.map((a) => ({ p50: +a.leaseMsP50.toFixed(2), p99: +a.leaseMsP99.toFixed(2) })),
    gossipPerContributorPerOffer: {
      rpcs: per(
        sum(fleetAfter, (f) => f.gossip.rpcsIn) - sum(fleetBefore, (f) => f.gossip.rpcsIn),
        offersSeen,
      ),
      messages: per(
        sum(fleetAfter, (f) => f.gossip.messagesIn) - sum(fleetBefore, (f) => f.gossip.messagesIn),
        offersSeen,
      ),
      bytes: per(
        sum(fleetAfter, (f) => f.gossip.bytesIn) - sum(fleetBefore, (f) => f.gossip.bytesIn),
        offersSeen,
      ),
    },
    validatorGossipPerOffer: {
      messagesOut: per(
        sum(after, (a) => a.gossip.messagesOut) - sum(before, (b) => b.gossip.messagesOut),
        offers,
      ),
      bytesOut: per(sum(after, (a) => a.gossip.bytesOut) - sum(before, (b) => b.gossip.bytesOut), offers),
    },
    validatorCpu: after.map((a, i) => +((a.cpuSeconds - before[i].cpuSeconds) / wall).toFixed(3)),
    validatorRssMiB: after.map((a) => +a.rssMiB.toFixed(0)),
    contributorErrors: sum(fleetAfter, (f) => f.errors),
  }
  console.log(JSON.stringify(result))
  return result
}

const steps = []
for (const layout of values.layouts.split(',')) {
  for (const n of counts) steps.push(await step(layout, n))
}
const out = join(import.meta.dirname, '..', 'results', 'scale.json')
writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'scale', date: new Date().toISOString(), secondsPerStep: seconds, steps }, null, 2)}\n`,
)
console.table(
  steps.map((s) => ({
    layout: s.layout,
    contributors: s.contributors,
    'leases/s': s.leasesPerSecond,
    'lease p50 ms': s.leaseMs[0].p50,
    'lease p99 ms': s.leaseMs[0].p99,
    'gossip B/contrib/offer': s.gossipPerContributorPerOffer.bytes,
    'validator B/offer': s.validatorGossipPerOffer.bytesOut,
    'validator CPU': s.validatorCpu.join(' '),
    'RSS MiB': s.validatorRssMiB.join(' '),
  })),
)
console.log(`wrote ${out}`)
