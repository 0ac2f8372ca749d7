/**
 * The Sybil swarm: `workerData.identities` fresh libp2p identities spread over
 * `workerData.addresses` (loopback addresses standing for the attacker's hosts). Each joins the work
 * topic and asks for the largest shards it can get, as fast as the validator's retry hints allow
 * (at least every 250 ms), and never hands a result in: it hoards work. A child process: sends what
 * the swarm holds every second over IPC; stops when told. Its settings come in SWARM (JSON).
 */
import '../../src/validator/polyfills.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createServerNode, type TesseraNode } from '../../src/p2p/node-server.ts'
import { request } from '../../src/p2p/rpc.ts'
import { decodeLeaseResponse, encodeLeaseRequest } from '../../src/protocol/codec.ts'
import { DIRECTORY_TOPIC, LEASE_PROTOCOL, MESSAGE_LIMITS, workTopic } from '../../src/protocol/constants.ts'
import { dialFrom } from '../local-address.ts'

const { address, identities, addresses, kindVersion, hoard } = JSON.parse(process.env.SWARM!) as {
  hoard: boolean
  address: string
  identities: number
  addresses: string[]
  kindVersion: number
}
const validator = peerIdFromString(address.split('/p2p/')[1])
let local = addresses[0]
dialFrom(() => local)

const stats = {
  connected: 0,
  grants: 0,
  heldFlops: 0,
  refusals: {} as Record<string, number>,
  errors: 0,
  /** Failures by error name: dials and lease requests. */
  failures: {} as Record<string, number>,
}
const failed = (err: unknown, what: string) => {
  stats.errors++
  const key = `${what}: ${(err as Error).name}`
  stats.failures[key] = (stats.failures[key] ?? 0) + 1
}
let running = true
const nodes: TesseraNode[] = []

async function hoardWith(node: TesseraNode): Promise<void> {
  const ask = encodeLeaseRequest({
    offerId: 'gemm',
    kind: 'gemm',
    kindVersion,
    engine: 'webgpu',
    flopsPerSecond: 1e13,
  })
  while (running) {
    let wait = 250
    try {
      const response = decodeLeaseResponse(
        await request(node, validator, LEASE_PROTOCOL, ask, {
          maxResponseBytes: MESSAGE_LIMITS.leaseResponse,
        }),
      )
      if (response.type === 'grant') {
        stats.grants++
        stats.heldFlops += response.flops
        wait = 0
      } else {
        stats.refusals[response.reason] = (stats.refusals[response.reason] ?? 0) + 1
        wait = Math.max(wait, response.retryAfterMs)
      }
    } catch (err) {
      failed(err, 'lease')
      wait = 1000
    }
    await new Promise((r) => setTimeout(r, wait))
  }
}

const report = setInterval(() => process.send!({ ...stats }), 1000)
const hoarders: Promise<void>[] = []
for (let i = 0; i < identities && running; i++) {
  local = addresses[i % addresses.length]
  const node = await createServerNode({ listen: [] })
  nodes.push(node)
  try {
    await node.dial(multiaddr(address), { signal: AbortSignal.timeout(5000) })
    // As a page does: the subnet's offers and the directory.
    node.services.pubsub.subscribe(workTopic(1))
    node.services.pubsub.subscribe(DIRECTORY_TOPIC)
    stats.connected++
    if (hoard) hoarders.push(hoardWith(node))
  } catch (err) {
    failed(err, 'dial')
  }
  // libp2p admits 5 new connections a second from one host: each address dials at about 4 a second.
  await new Promise((r) => setTimeout(r, 250 / addresses.length))
}

process.once('message', async () => {
  running = false
  clearInterval(report)
  await Promise.allSettled(hoarders)
  await Promise.allSettled(nodes.map((n) => n.stop()))
  process.send!({ ...stats, done: true }, () => process.exit(0))
})
