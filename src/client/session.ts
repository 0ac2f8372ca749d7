/**
 * One contribution session in the browser, from Start to Stop: the engine and the contributor lanes,
 * over the page's libp2p node. Stop destroys the device first, so GPU work ends at once.
 */
import type { MatmulEngine } from '../gpu/engine.ts'
import { DeviceLostError } from '../gpu/errors.ts'
import { createOrtRunner } from '../gpu/ort/ort-runtime.ts'
import { createRuntime } from '../gpu/runtime.ts'
import { type EngineChoice, selectEngine } from '../gpu/select-engine.ts'
import { workTopic } from '../protocol/constants.ts'
import { type BlobEvent, createCachedBlobFetcher } from './blob-fetcher.ts'
import type { BootstrapInfo } from './bootstrap.ts'
import { type MeshState, startBrowserMesh } from './browser-mesh.ts'
import { type Contributor, type ContributorEvent, createContributor } from './contributor.ts'
import { createModelCache } from './model-cache.ts'
import { connect, keepConnected, type LinkState } from './network.ts'
import type { ReceiptStore } from './receipt-store.ts'

export interface SessionOptions {
  bootstrap: BootstrapInfo
  store: ReceiptStore
  dutyCycle: number
  /** `auto` picks WebGPU on real GPUs and wasm on software adapters; the others force one. */
  engine: EngineChoice
  onEvent: (event: ContributorEvent) => void
  /** Blob (model, weights) downloads and cache evictions. */
  onBlob?: (event: BlobEvent) => void
  /** The device went away mid-session; the session has stopped itself. */
  onDeviceLost: (error: DeviceLostError) => void
  /** The validators became unreachable (the session redials with backoff), or reachable again. */
  onLink?: (state: LinkState) => void
  /** Connections to validators and other pages, and offers other pages relayed. */
  onNetwork?: (state: MeshState) => void
}

export interface Session {
  readonly engine: MatmulEngine
  /** Why this engine was chosen, for the UI. */
  readonly engineReason: string
  setDutyCycle(value: number): void
  /** No new shards while paused (hidden tab, on battery); the one in hand is finished. */
  setPaused(value: boolean): void
  stop(): Promise<void>
}

export async function startSession(options: SessionOptions): Promise<Session> {
  const { engine, reason, gpu } = await selectEngine(options.engine)
  let contributor: Contributor | undefined
  let stopLink: (() => void) | undefined
  let stopMesh: (() => void) | undefined
  let stopped = false

  const stop = async () => {
    if (stopped) return
    stopped = true
    stopLink?.()
    stopMesh?.()
    engine.destroy()
    await contributor?.stop()
  }

  try {
    const node = await connect(options.bootstrap)
    stopLink = keepConnected(node, options.bootstrap.multiaddrs, (state) => options.onLink?.(state))
    stopMesh = startBrowserMesh({
      node,
      validators: options.bootstrap.multiaddrs,
      topic: workTopic(options.bootstrap.netuid),
      onChange: (state) => options.onNetwork?.(state),
    }).stop
    contributor = createContributor({
      node,
      netuid: options.bootstrap.netuid,
      // Models run on ORT's WebGPU EP when shards run on WebGPU, else on its wasm EP.
      // Training runs its WGSL model where the engine is WebGPU, else the CPU reference.
      runtimes: {
        engine,
        onnx: createOrtRunner(engine.name === 'webgpu' ? 'webgpu' : 'wasm'),
        gpu: gpu != null ? createRuntime(gpu) : undefined,
      },
      blobs: createCachedBlobFetcher({ node, cache: createModelCache(), onBlob: options.onBlob }),
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
    engineReason: reason,
    setDutyCycle: (value) => contributor?.setDutyCycle(value),
    setPaused: (value) => contributor?.setPaused(value),
    stop,
  }
}
