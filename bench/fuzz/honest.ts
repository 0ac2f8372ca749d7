/**
 * The attack benchmarks' honest contributor (fuzz, sybil), on a thread of its own so its CPU shards
 * do not hold up the attackers: posts its receipt count after each receipt (and `{flops}` with it),
 * and every 5 s what it sees (connections, offers received, leases) for FUZZ_DEBUG; stops when told.
 * `workerData.localAddress` dials from that loopback address; `workerData.dutyCycle` throttles it;
 * `workerData.deviceFlops` makes it a device of that fixed speed (see paced()).
 */
import '../../src/validator/polyfills.ts'
import { parentPort, workerData } from 'node:worker_threads'
import { multiaddr } from '@multiformats/multiaddr'
import { createContributor } from '../../src/client/contributor.ts'
import { createCpuEngine } from '../../src/gpu/cpu-engine.ts'
import type { MatmulEngine } from '../../src/gpu/engine.ts'
import { createServerNode } from '../../src/p2p/node-server.ts'
import { workTopic } from '../../src/protocol/constants.ts'
import { createNodeOnnx } from '../../src/work/onnx-node.ts'
import { dialFrom } from '../local-address.ts'

if (workerData.localAddress != null) dialFrom(() => workerData.localAddress)
const node = await createServerNode({ listen: [] })
await node.dial(multiaddr(workerData.address as string))
const onnx = createNodeOnnx()
let receipts = 0

/**
 * A contributor's own device, of a fixed speed: each product is computed on this machine's CPU (the
 * validator checks it), then held until it has taken as long as `flopsPerSecond` would. Standing for
 * a browser elsewhere, it takes what the validator gives it at its own pace, so what it loses under an
 * attack is what the validator fails to give it, not this machine's cores shared with the attacker.
 */
function paced(engine: MatmulEngine, flopsPerSecond: number): MatmulEngine {
  return {
    ...engine,
    flopsPerSecond,
    async matmul(a, b, m, n, k) {
      const started = performance.now()
      const c = await engine.matmul(a, b, m, n, k)
      const due = (2 * m * n * k * 1000) / flopsPerSecond - (performance.now() - started)
      if (due > 0) await new Promise((r) => setTimeout(r, due))
      return c
    },
  }
}
const cpu = createCpuEngine()
const contributor = createContributor({
  node,
  netuid: 1,
  runtimes: { engine: workerData.deviceFlops == null ? cpu : paced(cpu, workerData.deviceFlops), onnx },
  dutyCycle: workerData.dutyCycle ?? 1,
  onEvent: (e) => {
    if (e.type === 'accepted') {
      parentPort!.postMessage({ flops: e.receipt.body.flops })
      parentPort!.postMessage(++receipts)
    }
    if (e.type === 'leased') leased++
    if (e.type === 'error' || e.type === 'refused')
      parentPort!.postMessage({ event: e.type, detail: e.type === 'error' ? e.error.message : e.reason })
  },
})
contributor.start()
parentPort!.postMessage({ peer: node.peerId.toString() })
let gossip = 0
let leased = 0
node.services.pubsub.addEventListener('message', () => gossip++)
setInterval(
  () =>
    parentPort!.postMessage({
      connections: node.getConnections().length,
      gossip,
      leased,
      topicPeers: node.services.pubsub.getSubscribers(workTopic(1)).length,
    }),
  5000,
).unref()
parentPort!.once('message', async () => {
  await contributor.stop()
  await node.stop()
  await onnx.close()
  parentPort!.close()
})
