/**
 * Simulated contributors of the scale benchmark: real libp2p nodes and the real contributor client
 * (gemm only, one lane, CPU reference compute on small shards), each dialing from a loopback
 * address of its own (libp2p admits 5 new connections a second per host). All connect first, and
 * start working when told ('start'): a thousand joining while hundreds already work would measure
 * the ramp, not the steady state. Settings in SCALE_CONTRIBUTORS (JSON: count, first (address
 * index), netuid, validators (multiaddrs)). Sends on each 'sample' message: contributors connected,
 * receipts, errors and the gossip they received.
 */
import '../../src/validator/polyfills.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { createContributor } from '../../src/client/contributor.ts'
import { createCpuEngine } from '../../src/gpu/cpu-engine.ts'
import { createServerNode, type TesseraNode } from '../../src/p2p/node-server.ts'
import { gemmContributor } from '../../src/work/gemm/contributor.ts'
import { countGossip, type GossipCounts } from '../gossip-counter.ts'
import { dialFrom } from '../local-address.ts'

const { count, first, netuid, validators } = JSON.parse(process.env.SCALE_CONTRIBUTORS!) as {
  count: number
  first: number
  netuid: number
  validators: string[]
}
let local = '127.0.0.1'
dialFrom(() => local)
/** 250 contributors per /24, from 127.1.0.0/16 up. */
const addressOf = (i: number) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`

const stats = { connected: 0, receipts: 0, errors: 0 }
const counters: GossipCounts[] = []
const running: Array<{ node: TesseraNode; start: () => void; stop: () => Promise<void> }> = []
let stopping = false

process.on('message', async (m: string) => {
  if (m === 'start') {
    for (const r of running) r.start()
    return
  }
  if (m === 'stop') {
    stopping = true
    await Promise.allSettled(
      running.map(async (r) => {
        await r.stop()
        await r.node.stop()
      }),
    )
    process.exit(0)
  }
  const gossip = { rpcsIn: 0, bytesIn: 0, messagesIn: 0 }
  for (const c of counters) {
    gossip.rpcsIn += c.rpcsIn
    gossip.bytesIn += c.bytesIn
    gossip.messagesIn += c.messagesIn
  }
  process.send!({ ...stats, gossip })
})

for (let i = 0; i < count && !stopping; i++) {
  local = addressOf(first + i)
  const node = await createServerNode({ listen: [] })
  try {
    for (const v of validators) await node.dial(multiaddr(v), { signal: AbortSignal.timeout(10_000) })
  } catch {
    stats.errors++
    await node.stop()
    continue
  }
  counters.push(countGossip(node.services.pubsub))
  const engine = createCpuEngine()
  const contributor = createContributor({
    node,
    netuid,
    kinds: [gemmContributor],
    lanes: 1,
    runtimes: { engine },
    onEvent: (e) => {
      if (e.type === 'accepted') stats.receipts++
      if (e.type === 'error') stats.errors++
    },
  })
  running.push({ node, start: () => contributor.start(), stop: () => contributor.stop() })
  stats.connected++
}
