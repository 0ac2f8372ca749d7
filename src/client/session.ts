/**
 * One contribution session in the browser, from Start to Stop: the GPU device, the libp2p node, the
 * contributor loop. Stop destroys the device first, so GPU work ends at once whatever is in flight.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { acquireGpu } from '../gpu/device.ts'
import type { MatmulEngine } from '../gpu/engine.ts'
import { DeviceLostError } from '../gpu/errors.ts'
import { createWebGpuEngine } from '../gpu/webgpu-engine.ts'
import { createBrowserNode } from '../p2p/node-browser.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { workTopic } from '../protocol/constants.ts'
import type { BootstrapInfo } from './bootstrap.ts'
import { type Contributor, type ContributorEvent, createContributor } from './contributor.ts'
import { loadOrCreateBrowserKey } from './identity.ts'
import { createIndexedDbReceiptStore } from './receipt-store-idb.ts'

/** None of the configured validator addresses could be dialed. */
export class NoValidatorReachableError extends Error {
  static override name = 'NoValidatorReachableError'
  override name = 'NoValidatorReachableError'
}

export interface SessionOptions {
  bootstrap: BootstrapInfo
  dutyCycle: number
  /** Allow ws:// to loopback and private addresses (a validator on this machine). */
  allowPrivateAddresses: boolean
  onEvent: (event: ContributorEvent) => void
  /** The device went away mid-session; the session has stopped itself. */
  onDeviceLost: (error: DeviceLostError) => void
}

export interface Session {
  readonly engine: MatmulEngine
  readonly node: TesseraNode
  setDutyCycle(value: number): void
  stop(): Promise<void>
}

export async function startSession(options: SessionOptions): Promise<Session> {
  const gpu = await acquireGpu()
  const engine = createWebGpuEngine(gpu)
  let node: TesseraNode | undefined
  let contributor: Contributor | undefined
  let stopped = false

  const stop = async () => {
    if (stopped) return
    stopped = true
    engine.destroy()
    await contributor?.stop()
    await node?.stop()
  }

  try {
    node = await createBrowserNode({
      privateKey: await loadOrCreateBrowserKey(),
      allowPrivateAddresses: options.allowPrivateAddresses,
      scoredTopics: [workTopic(options.bootstrap.netuid)],
    })
    const errors: string[] = []
    for (const addr of options.bootstrap.multiaddrs) {
      try {
        await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) })
      } catch (err) {
        errors.push(`${addr}: ${(err as Error).message}`)
      }
    }
    if (node.getConnections().length === 0) {
      throw new NoValidatorReachableError(
        `could not reach a validator (${errors.join('; ') || 'no addresses'})`,
      )
    }
    contributor = createContributor({
      node,
      netuid: options.bootstrap.netuid,
      engine,
      store: createIndexedDbReceiptStore(),
      dutyCycle: options.dutyCycle,
      onEvent: (event) => {
        if (event.type === 'error' && event.error instanceof DeviceLostError && !stopped) {
          void stop().then(() => options.onDeviceLost(event.error as DeviceLostError))
        }
        options.onEvent(event)
      },
    })
    contributor.start()
  } catch (err) {
    await stop()
    throw err
  }

  return {
    engine,
    node,
    setDutyCycle: (value) => contributor?.setDutyCycle(value),
    stop,
  }
}
