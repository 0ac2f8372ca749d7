/** Shared setup for tests that run a real validator and Node contributors over in-memory libp2p. */
import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memory } from '@libp2p/memory'
import { multiaddr } from '@multiformats/multiaddr'
import { type ContributorEvent, type ContributorOptions, createContributor } from '../client/contributor.ts'
import { createMemoryReceiptStore, type ReceiptStore } from '../client/receipt-store.ts'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import { createServerNode, type TesseraNode } from '../p2p/node-server.ts'
import { createValidator, type Validator, type ValidatorOptions } from '../validator/validator.ts'
import type { NamedTensor, OnnxRunner } from '../work/kind.ts'
import { createNodeOnnx } from '../work/onnx-node.ts'

export const REPO_ROOT = join(import.meta.dirname, '..', '..')

/** A small training run (2 layers, width 32, ~42k parameters): a step is 16 sequences of 32 bytes. */
export const SMALL_TRAIN = {
  layers: 2,
  width: 32,
  heads: 2,
  context: 32,
  sequences: 8,
  microBatch: 8,
  shardsPerStep: 2,
  lr: 1e-2,
  evalEvery: 5,
  evalSequences: 32,
  checkpointEvery: 5,
}

/** Fine-tuning the shipped base model (2 layers, width 64) with rank-8 adapters, 40 steps of 16 sequences. */
export const FINE_TUNE_TRAIN = {
  layers: 2,
  width: 64,
  heads: 4,
  context: 64,
  init: 'models/train-base.safetensors',
  lora: { rank: 8 },
  sequences: 8,
  microBatch: 8,
  shardsPerStep: 2,
  lr: 3e-3,
  evalEvery: 10,
  evalSequences: 64,
  maxSteps: 40,
}

/** Nats per byte fine-tuning must lower held-out loss by: three runs gave 0.038–0.043. */
export const FINE_TUNE_GAIN = 0.02

/** A small gemm layer, so CPU contributors finish shards in milliseconds. */
export const SMALL_GEMM = { batchRows: 64, inFeatures: 64, outFeatures: 128, maxTile: '32x64' }

export interface StartOptions extends Partial<Omit<ValidatorOptions, 'subnet'>> {
  /** Sections of the subnet config by kind; `gemm` defaults to SMALL_GEMM. */
  sections?: Record<string, unknown>
}

export interface Harness {
  startValidator(options?: StartOptions): Promise<Validator>
  contributorNode(validator: Validator): Promise<TesseraNode>
  /** Runs a contributor until it has `count` events of `type` (or `until(events)` holds), then stops it. */
  contribute(
    node: TesseraNode,
    until: { type: ContributorEvent['type']; count: number } | ((events: ContributorEvent[]) => boolean),
    options?: Partial<Omit<ContributorOptions, 'node' | 'netuid'>> & {
      tamper?: (outputs: NamedTensor[]) => NamedTensor[]
    },
  ): Promise<{ events: ContributorEvent[]; store: ReceiptStore }>
  cleanup(): Promise<void>
}

export function createHarness(): Harness {
  const cleanups: Array<() => Promise<void> | void> = []
  return {
    async startValidator({ sections, ...overrides } = {}) {
      const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-validator-'))
      const validator = await createValidator({
        netuid: 1,
        listen: [`/memory/validator-${crypto.randomUUID()}`],
        seed: 1,
        offerIntervalMs: 200,
        targetShardMs: 20,
        // Many validators per test file: checks on the event loop spare a thread start each.
        verifyThreads: 0,
        ...(overrides.listen == null ? { transports: [memory()] } : {}),
        ...overrides,
        dataDir,
        subnet: { kinds: { gemm: SMALL_GEMM, ...sections }, dir: REPO_ROOT },
      })
      if (overrides.dataDir == null) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
      cleanups.push(() => validator.stop())
      return validator
    },
    async contributorNode(validator) {
      const node = await createServerNode({
        listen: [`/memory/contributor-${crypto.randomUUID()}`],
        transports: [memory()],
      })
      cleanups.push(() => node.stop())
      await node.dial(multiaddr(validator.multiaddrs()[0]))
      return node
    },
    async contribute(node, until, { tamper, ...options } = {}) {
      const events: ContributorEvent[] = []
      const store = options.store ?? createMemoryReceiptStore()
      const onnx = createNodeOnnx()
      cleanups.push(() => onnx.close())
      const contributor = createContributor({
        node,
        netuid: 1,
        runtimes: { engine: createCpuEngine(), onnx: tamper ? tampering(onnx, tamper) : onnx },
        ...options,
        store,
        onEvent: (e) => {
          events.push(e)
          options.onEvent?.(e)
        },
      })
      contributor.start()
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          const done =
            typeof until === 'function'
              ? until(events)
              : events.filter((e) => e.type === until.type).length >= until.count
          if (done) {
            clearInterval(check)
            resolve()
          }
        }, 20)
      })
      await contributor.stop()
      return { events, store }
    },
    async cleanup() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    },
  }
}

/** An ONNX runtime whose outputs a dishonest contributor changes before handing them in. */
export function tampering(onnx: OnnxRunner, tamper: (outputs: NamedTensor[]) => NamedTensor[]): OnnxRunner {
  return { run: async (model, load, inputs) => tamper(await onnx.run(model, load, inputs)) }
}

/** The bodies of the receipts a run earned. */
export function acceptedBodies(events: ContributorEvent[]) {
  return events.flatMap((e) => (e.type === 'accepted' ? [e.receipt.body] : []))
}

export interface DelayProxy {
  readonly port: number
  close(): Promise<void>
}

/**
 * A TCP proxy on loopback that delivers every chunk `oneWayMs` after it arrived, in order, both ways:
 * a long link (propagation delay) without a bandwidth cap, in front of a real listener.
 */
export async function startDelayProxy(
  target: { host: string; port: number },
  oneWayMs: number,
): Promise<DelayProxy> {
  const sockets = new Set<Socket>()
  const delayed = (from: Socket, to: Socket) => {
    // Timers of one duration fire in the order they were set, so chunks keep their order.
    from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), oneWayMs))
    from.on('end', () => setTimeout(() => to.end(), oneWayMs))
    from.on('error', () => to.destroy())
    from.on('close', () => setTimeout(() => to.destroy(), oneWayMs))
  }
  const server = createNetServer((client) => {
    const upstream = connect(target.port, target.host)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.setNoDelay(true)
      s.on('close', () => sockets.delete(s))
    }
    delayed(client, upstream)
    delayed(upstream, client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

export interface WsContributor {
  node: TesseraNode
  store: ReceiptStore
  readonly accepted: number
  /** Resolves once `count` receipts have been accepted in all (rejects after `timeoutMs`). */
  until(count: number, timeoutMs?: number): Promise<void>
  /** Stops asking for work (the node stays up, e.g. to claim). */
  stopWork(): Promise<void>
  stop(): Promise<void>
}

/** A Node contributor (CPU engine, ONNX on onnxruntime-node) on WebSockets to a validator process. */
export async function startWsContributor(address: string, netuid = 1): Promise<WsContributor> {
  const node = await createServerNode({ listen: [] })
  await node.dial(multiaddr(address))
  const onnx = createNodeOnnx()
  const store = createMemoryReceiptStore()
  let accepted = 0
  const contributor = createContributor({
    node,
    netuid,
    runtimes: { engine: createCpuEngine(), onnx },
    store,
    onEvent: (e) => {
      if (e.type === 'accepted') accepted++
    },
  })
  contributor.start()
  let working = true
  let stopped = false
  const stopWork = async () => {
    if (!working) return
    working = false
    await contributor.stop()
  }
  return {
    node,
    store,
    get accepted() {
      return accepted
    },
    async until(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs
      while (accepted < count) {
        if (Date.now() > deadline) throw new Error(`${accepted} of ${count} receipts in ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    stopWork,
    async stop() {
      if (stopped) return
      stopped = true
      await stopWork()
      await node.stop()
      await onnx.close()
    },
  }
}

/** A loopback TCP port nobody listens on right now (for a process that must keep its port across a restart). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Resolves once `condition()` holds, checking every 25 ms; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}
