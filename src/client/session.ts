/**
 * One contribution session in the browser, from Start to Stop: the GPU device and the contributor
 * loop, over the page's libp2p node. Stop destroys the device first, so GPU work ends at once.
 */
import { acquireGpu } from '../gpu/device.ts'
import type { MatmulEngine } from '../gpu/engine.ts'
import { DeviceLostError } from '../gpu/errors.ts'
import { createWebGpuEngine } from '../gpu/webgpu-engine.ts'
import type { BootstrapInfo } from './bootstrap.ts'
import { type Contributor, type ContributorEvent, createContributor } from './contributor.ts'
import { connect } from './network.ts'
import type { ReceiptStore } from './receipt-store.ts'

export interface SessionOptions {
  bootstrap: BootstrapInfo
  store: ReceiptStore
  dutyCycle: number
  onEvent: (event: ContributorEvent) => void
  /** The device went away mid-session; the session has stopped itself. */
  onDeviceLost: (error: DeviceLostError) => void
}

export interface Session {
  readonly engine: MatmulEngine
  setDutyCycle(value: number): void
  stop(): Promise<void>
}

export async function startSession(options: SessionOptions): Promise<Session> {
  const gpu = await acquireGpu()
  const engine = createWebGpuEngine(gpu)
  let contributor: Contributor | undefined
  let stopped = false

  const stop = async () => {
    if (stopped) return
    stopped = true
    engine.destroy()
    await contributor?.stop()
  }

  try {
    const node = await connect(options.bootstrap)
    contributor = createContributor({
      node,
      netuid: options.bootstrap.netuid,
      engine,
      store: options.store,
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
    setDutyCycle: (value) => contributor?.setDutyCycle(value),
    stop,
  }
}
