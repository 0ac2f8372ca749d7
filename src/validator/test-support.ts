/** Shared setup for tests that run a real validator and Node contributors over in-memory libp2p. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import * as ort from 'onnxruntime-node'
import { type ContributorEvent, createContributor, type InferRunner } from '../client/contributor.ts'
import { createMemoryReceiptStore, type ReceiptStore } from '../client/receipt-store.ts'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import type { MatmulEngine } from '../gpu/engine.ts'
import { createBlobDownload } from '../p2p/blob-protocol.ts'
import { createServerNode, type TesseraNode } from '../p2p/node-server.ts'
import type { NamedTensor } from '../protocol/types.ts'
import { hexToBytes } from '../wallet/hex.ts'
import { createValidator, type Validator, type ValidatorOptions } from './validator.ts'

export interface Harness {
  startValidator(overrides?: Partial<ValidatorOptions>): Promise<Validator>
  contributorNode(validator: Validator): Promise<TesseraNode>
  /** Runs a contributor until it has `count` events of `type` (or `until()` holds), then stops it. */
  contribute(
    node: TesseraNode,
    until: { type: ContributorEvent['type']; count: number } | (() => boolean),
    options?: { engine?: MatmulEngine; store?: ReceiptStore; infer?: InferRunner },
  ): Promise<{ events: ContributorEvent[]; store: ReceiptStore }>
  cleanup(): Promise<void>
}

export function createHarness(): Harness {
  const cleanups: Array<() => Promise<void> | void> = []
  return {
    async startValidator(overrides = {}) {
      const dataDir = mkdtempSync(join(tmpdir(), 'tessera-validator-'))
      const validator = await createValidator({
        netuid: 1,
        dataDir,
        listen: [`/memory/validator-${crypto.randomUUID()}`],
        seed: 1,
        batchRows: 64,
        inFeatures: 64,
        outFeatures: 128,
        tileRows: 32,
        tileCols: 32,
        offerIntervalMs: 200,
        ...overrides,
      })
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
      cleanups.push(() => validator.stop())
      return validator
    },
    async contributorNode(validator) {
      const node = await createServerNode({ listen: [`/memory/contributor-${crypto.randomUUID()}`] })
      cleanups.push(() => node.stop())
      await node.dial(multiaddr(validator.multiaddrs()[0]))
      return node
    },
    async contribute(node, until, options = {}) {
      const events: ContributorEvent[] = []
      const store = options.store ?? createMemoryReceiptStore()
      const contributor = createContributor({
        node,
        netuid: 1,
        engine: options.engine ?? createCpuEngine(),
        infer: options.infer,
        store,
        onEvent: (e) => events.push(e),
      })
      contributor.start()
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          const done =
            typeof until === 'function'
              ? until()
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

/**
 * A Node contributor's model runner: downloads each model from the validator over the blob protocol
 * and runs it in onnxruntime-node. `tamper` lets a test play a dishonest contributor.
 */
export function nodeInferRunner(
  node: TesseraNode,
  tamper?: (outputs: NamedTensor[]) => NamedTensor[],
): InferRunner & { downloads: number } {
  const sessions = new Map<string, Promise<ort.InferenceSession>>()
  const runner = {
    downloads: 0,
    async run(model: string, inputs: NamedTensor[], from: PeerId): Promise<NamedTensor[]> {
      let session = sessions.get(model)
      if (session == null) {
        runner.downloads++
        session = createBlobDownload(node, from, hexToBytes(`0x${model}`))
          .run()
          .then((bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] }))
        sessions.set(model, session)
      }
      const s = await session
      const out = await s.run(
        Object.fromEntries(inputs.map((t) => [t.name, new ort.Tensor(t.dtype, t.data, t.shape)])),
      )
      const outputs: NamedTensor[] = Object.entries(out).map(([name, t]) => ({
        name,
        dtype: t.type === 'int64' ? 'int64' : 'float32',
        shape: [...t.dims],
        data: t.data as Float32Array,
      }))
      return tamper ? tamper(outputs) : outputs
    },
  }
  return runner
}
