/**
 * `npm run bench -- fuzz [--messages 10000] [--per-identity 40]`: malformed and oversized messages at
 * a live validator (the CLI, small layer) over libp2p WebSockets, from fresh identities, while an
 * honest Node contributor works. Each identity sends random frames on the lease and result streams,
 * frames whose length prefix claims more than the limit, and junk gossip on the work topic, until the
 * validator cuts it off or its quota is sent. Reports messages delivered, identities cut off (their
 * connections closed by the validator, redials refused), the validator's resident memory over the
 * run, whether it stayed up, and the honest contributor's receipts before, during and after.
 * Writes bench/results/fuzz.json.
 */
import '../../src/validator/polyfills.ts'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createServerNode, type TesseraNode } from '../../src/p2p/node-server.ts'
import { request } from '../../src/p2p/rpc.ts'
import { LEASE_PROTOCOL, RESULT_PROTOCOL, workTopic } from '../../src/protocol/constants.ts'
import { startValidatorProcess } from '../../src/testing/validator-process.ts'

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    messages: { type: 'string', default: '10000' },
    'per-identity': { type: 'string', default: '40' },
  },
})
const target = Number(values.messages)
const perIdentity = Number(values['per-identity'])
const root = join(import.meta.dirname, '..', '..')

const validator = await startValidatorProcess([
  '--batch-rows',
  '256',
  '--in-features',
  '256',
  '--out-features',
  '512',
])
const address = /libp2p +(\S+)/.exec(validator.output())![1]
const validatorPeer = peerIdFromString(address.split('/p2p/')[1])
const rssMiB = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${validator.pid}/status`, 'utf8'))![1]) / 1024
const alive = () => {
  try {
    process.kill(validator.pid, 0)
    return true
  } catch {
    return false
  }
}

// The honest contributor, working throughout on its own thread.
let receipts = 0
const honestModule = JSON.stringify(new URL('./honest.ts', import.meta.url).href)
const honest = new Worker(
  `import('tsx/esm/api').then(({ tsImport }) => tsImport(${honestModule}, ${honestModule}))`,
  { eval: true, workerData: { address } },
)
let honestPeer = ''
honest.on('message', (message: number | { peer?: string }) => {
  if (typeof message === 'number') receipts = message
  else if (message.peer != null) honestPeer = message.peer
  else if (process.env.FUZZ_DEBUG) console.log('honest', JSON.stringify(message))
})
await new Promise((r) => setTimeout(r, 10_000))
const receiptsBefore = receipts

/** One malformed message; true when the validator read it (answered, or reset it for its size). */
async function sendOne(node: TesseraNode, i: number): Promise<'answered' | 'refused'> {
  const kind = i % 4
  try {
    if (kind === 3) {
      // Junk on the work topic: not an offer, not signed by a validator.
      await node.services.pubsub.publish(workTopic(1), crypto.getRandomValues(new Uint8Array(200)))
      return 'answered'
    }
    const protocol = kind === 1 ? RESULT_PROTOCOL : LEASE_PROTOCOL
    // kind 2: a length prefix claiming 64 MiB, over every limit.
    const payload =
      kind === 2
        ? new Uint8Array([0x80, 0x80, 0x80, 0x20, 1, 2, 3])
        : crypto.getRandomValues(new Uint8Array(1 + Math.floor(Math.random() * 4096)))
    await request(node, validatorPeer, protocol, payload, { maxResponseBytes: 64 * 1024 })
    return 'answered'
  } catch {
    return 'refused'
  }
}

const rss: number[] = [rssMiB()]
const sampler = setInterval(() => rss.push(rssMiB()), 1000)
const started = Date.now()
let delivered = 0
let identities = 0
let cutOff = 0
let redialRefused = 0
while (delivered < target && alive()) {
  const node = await createServerNode({ listen: [] })
  identities++
  try {
    await node.dial(multiaddr(address), { signal: AbortSignal.timeout(5000) })
    node.services.pubsub.subscribe(workTopic(1))
    let closed = false
    for (let i = 0; i < perIdentity; i++) {
      await sendOne(node, i)
      delivered++
      // Cut off: the validator closed the connection (sending again would only redial).
      await new Promise((r) => setTimeout(r, 5))
      if (node.getConnections(validatorPeer).length === 0) {
        closed = true
        break
      }
    }
    if (closed) {
      cutOff++
      // Refused: the dial fails, or the validator closes the connection as soon as it knows the peer.
      await node.dial(multiaddr(address), { signal: AbortSignal.timeout(3000) }).catch(() => {})
      await new Promise((r) => setTimeout(r, 500))
      if (node.getConnections(validatorPeer).length === 0) redialRefused++
    }
  } catch {
    // A dial refused by libp2p's per-host rate limit: the next identity waits its turn.
  } finally {
    await node.stop()
  }
  // libp2p admits 5 new connections per second from one host.
  await new Promise((r) => setTimeout(r, 250))
}
const fuzzSeconds = (Date.now() - started) / 1000
const receiptsDuring = receipts - receiptsBefore
await new Promise((r) => setTimeout(r, 10_000))
const receiptsAfter = receipts - receiptsBefore - receiptsDuring
clearInterval(sampler)
rss.push(rssMiB())

const result = {
  benchmark: 'fuzz',
  date: new Date().toISOString(),
  messagesDelivered: delivered,
  identities,
  identitiesCutOff: cutOff,
  redialsRefused: redialRefused,
  validatorAlive: alive(),
  rssMiB: { start: +rss[0].toFixed(1), max: +Math.max(...rss).toFixed(1), end: +rss.at(-1)!.toFixed(1) },
  fuzzSeconds: +fuzzSeconds.toFixed(1),
  honestReceipts: { before10s: receiptsBefore, duringFuzz: receiptsDuring, after10s: receiptsAfter },
}
console.log(result)
if (process.env.FUZZ_DEBUG) {
  // With DEBUG=tessera:validator the validator logs whom it cut off: never the honest contributor.
  const cut = validator
    .output()
    .split('\n')
    .filter((l) => l.includes('cutting off'))
  console.log(
    `${cut.length} cut off; the honest contributor (${honestPeer}) among them: ${cut.some((l) => l.includes(honestPeer))}`,
  )
}
writeFileSync(join(root, 'bench', 'results', 'fuzz.json'), `${JSON.stringify(result, null, 2)}\n`)
honest.postMessage('stop')
await new Promise((resolve) => honest.once('exit', resolve))
await validator.stop()
