/**
 * One validator of the scale benchmark, in a process of its own so its CPU and memory are its own:
 * a small gemm layer, loopback WebSockets, gossip counted. Settings in SCALE_VALIDATOR (JSON:
 * netuid, seed). Sends its multiaddr once, then on each 'sample' message: leases granted, lease
 * answer times, receipts, offers published, gossip counts, CPU seconds and resident memory.
 */
import '../../src/validator/polyfills.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createValidator } from '../../src/validator/validator.ts'
import { gemmValidator } from '../../src/work/gemm/validator.ts'
import { countGossip } from '../gossip-counter.ts'

const { netuid, seed } = JSON.parse(process.env.SCALE_VALIDATOR!) as { netuid: number; seed: number }
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-scale-'))
const validator = await createValidator({
  netuid,
  dataDir,
  listen: ['/ip4/127.0.0.1/tcp/0/ws'],
  seed,
  kinds: [gemmValidator],
  subnet: {
    kinds: { gemm: { batchRows: 64, inFeatures: 64, outFeatures: 128, maxTile: '32x64' } },
    dir: dataDir,
  },
  verifyThreads: 0,
  targetShardMs: 200,
})
const gossip = countGossip(validator.node.services.pubsub)
let published = 0
const publish = validator.node.services.pubsub.publish.bind(validator.node.services.pubsub)
validator.node.services.pubsub.publish = ((...args: Parameters<typeof publish>) => {
  published++
  return publish(...args)
}) as typeof publish

process.send!({ address: validator.multiaddrs()[0] })
process.on('message', async (m: string) => {
  if (m === 'stop') {
    await validator.stop()
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(0)
  }
  const status = await validator.status()
  const cpu = process.cpuUsage()
  process.send!({
    at: Date.now(),
    leases: status.wire.leases,
    leaseMsP50: status.wire.leaseMsP50,
    leaseMsP99: status.wire.leaseMsP99,
    receipts: status.ledger.accepted,
    peers: status.peers,
    published,
    gossip: { ...gossip },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  })
})
