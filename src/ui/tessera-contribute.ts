/**
 * <tessera-contribute>: the contribute widget, used by Tessera's own page and embeddable on a subnet
 * owner's site with one script tag. Nothing touches the GPU or the network until Start is pressed.
 *
 * Attributes:
 *   validator  the validator's site, which serves /api/bootstrap and this script (default: the
 *              origin this script was loaded from; `api` is the older name, still read)
 *   bootstrap  validator multiaddrs, space-separated (skips /api/bootstrap)
 *   netuid     subnet id when `bootstrap` is given (default 1)
 *   engine     `auto` (default: WebGPU on a real GPU, wasm on a software adapter), `webgpu` or `wasm`
 *
 * Events (bubbling, composed CustomEvents, for the host page): `tessera:started`, `tessera:stopped`,
 * `tessera:shard-accepted` (detail: kind, shardId, flops, validator), `tessera:error` (detail:
 * message). Every asset the element loads after Start (code chunks, ONNX Runtime, models over
 * libp2p) comes from the validator, never from the host page's origin.
 */
import { type BootstrapInfo, fetchBootstrap, parseMultiaddrList, peerIdOf } from '../client/bootstrap.ts'
import type { ContributorEvent, ContributorStats } from '../client/contributor.ts'
import { createIndexedDbReceiptStore } from '../client/receipt-store-idb.ts'
import type { Session } from '../client/session.ts'
import { parseEngineChoice } from '../gpu/select-engine.ts'
import { RecoveryBudget } from './device-recovery.ts'
import { lifetimeOf } from './earnings.ts'
import { EarningsPanel } from './earnings-panel.ts'
import { MarketPanel } from './market-panel.ts'
import { NetworkPanel } from './network-panel.ts'
import { PauseController } from './pause-controller.ts'
import { RewardsPanel } from './rewards-panel.ts'
import { RunFigures } from './run-figures.ts'
import { allows, loadSettings, type Settings, saveSettings } from './settings.ts'
import { bindSettingsControls } from './settings-controls.ts'
import { WIDGET_CSS } from './widget-styles.ts'
import { WIDGET_TEMPLATE } from './widget-template.ts'

/** How often a running widget refreshes the epoch estimate. */
const ESTIMATE_EVERY_MS = 15_000
/** How often the live charts take a sample. */
const CHART_EVERY_MS = 2000

export class TesseraContribute extends HTMLElement {
  #root = this.attachShadow({ mode: 'open' })
  #session: Session | undefined
  /**
   * Between Start and Stop. Events that arrive after Stop (a download or a result that was in
   * flight) still update the figures but no longer the status line, which must keep saying Stopped.
   */
  #live = false
  #bootstrap: Promise<BootstrapInfo> | undefined
  #busy = false
  #figures = new RunFigures(this.#root)
  #network = new NetworkPanel(this.#root)
  #recoveries = new RecoveryBudget()
  #store = createIndexedDbReceiptStore()
  #rewards: RewardsPanel | undefined
  #market: MarketPanel | undefined
  #settings: Settings = loadSettings()
  #pause = new PauseController({
    settings: () => this.#settings,
    running: () => this.#session != null,
    onChange: (reason) => {
      this.#session?.setPaused(reason != null)
      if (this.#live)
        this.#status(
          reason != null
            ? `Paused: ${reason}. Work goes on by itself when that changes (or untick the option).`
            : 'Running again.',
        )
    },
  })
  #estimateTimer: ReturnType<typeof setInterval> | undefined
  #earnings: EarningsPanel | undefined
  /** The validators are unreachable (the session redials): the status line says so until they answer. */
  #linkDown = false
  #chartTimer: ReturnType<typeof setInterval> | undefined

  connectedCallback(): void {
    if (this.#root.childElementCount > 0) return
    this.#root.innerHTML = `<style>${WIDGET_CSS}</style>${WIDGET_TEMPLATE}`
    this.#button('start').addEventListener('click', () => void this.start())
    this.#button('stop').addEventListener('click', () => void this.stop())
    bindSettingsControls({
      root: this.#root,
      settings: () => this.#settings,
      remember: (change) => this.#remember(change),
      onDutyCycle: (duty) => this.#session?.setDutyCycle(duty),
      onPauseOption: () => this.#pause.apply(),
    })
    this.#market = new MarketPanel({
      root: this.#root,
      settings: () => this.#settings,
      remember: (change) => this.#remember(change),
    })
    // Without WebGPU the CPU engine (ONNX Runtime's wasm) still runs every kind, as the consent says.
    this.#el('[data-testid="support"]').textContent =
      'gpu' in navigator
        ? 'This browser offers WebGPU. The GPU is asked for only when you press Start.'
        : 'This browser does not offer WebGPU: Start runs the work on your CPU instead (slower, but it counts the same).'
    this.#loadBootstrap()
    this.#rewards = new RewardsPanel({
      root: this.#root,
      store: this.#store,
      bootstrap: () => this.#bootstrap!,
      freshBootstrap: () => this.#resolveBootstrap(),
      validatorUrl: () => this.validatorUrl,
    })
    this.#earnings = new EarningsPanel({
      root: this.#root,
      store: this.#store,
      validatorUrl: () => this.validatorUrl,
      idle: () => this.#session == null && !this.#busy,
    })
    void this.#refreshEarnings()
  }

  static observedAttributes = ['api', 'bootstrap', 'netuid', 'validator']

  /** The validator's site: the attribute, else where this script came from (Tessera's page: itself). */
  get validatorUrl(): string {
    return this.getAttribute('validator') ?? this.getAttribute('api') ?? new URL('/', import.meta.url).href
  }

  /** Attributes set after the element was upgraded (by the host page's script) still count. */
  attributeChangedCallback(): void {
    if (this.#root.childElementCount > 0 && this.#session == null && !this.#busy) this.#loadBootstrap()
  }

  #loadBootstrap(): void {
    const bootstrap = this.#resolveBootstrap()
    this.#bootstrap = bootstrap
    bootstrap.then(
      (info) => {
        if (this.#bootstrap !== bootstrap) return
        this.#field('netuid').textContent = String(info.netuid)
        this.#network.validator(info.peerId ?? info.multiaddrs[0])
      },
      (err) => {
        if (this.#bootstrap === bootstrap) this.#status(`Cannot find a validator: ${(err as Error).message}`)
      },
    )
  }

  disconnectedCallback(): void {
    this.#pause.stop()
    void this.stop()
  }

  async start(): Promise<void> {
    if (this.#session || this.#busy) return
    this.#busy = true
    this.#live = true
    this.#recoveries.reset()
    this.#button('start').disabled = true
    this.#status('Starting: choosing the GPU or the CPU engine…')
    try {
      // The counters go on from every receipt this browser holds, not from zero.
      this.#figures.begin(lifetimeOf(await this.#store.list()))
      await this.#open()
      this.#setRunning(true)
      const session = this.#session as Session | undefined
      this.#status(
        `Running on ${session?.engine.description ?? 'this device'}: waiting for work from the validator…`,
      )
      // Say why this engine runs (no WebGPU API, no adapter, a software adapter), not what Start promised.
      if (session != null) this.#el('[data-testid="support"]').textContent = `Engine: ${session.engineReason}`
      this.#estimateTimer ??= setInterval(() => void this.#refreshEarnings(), ESTIMATE_EVERY_MS)
      await this.#startCharts()
      void this.#network.modelCache()
      await this.#pause.start()
      this.#emit('started', { engine: session?.engine.description })
    } catch (err) {
      this.#live = false
      this.#setRunning(false)
      this.#status(`Could not start: ${(err as Error).message}`)
      this.#emit('error', { message: (err as Error).message })
    } finally {
      this.#busy = false
    }
  }

  /**
   * The device went away mid-session (driver reset, GPU removed): a session the visitor started is
   * started again on a new device while the RecoveryBudget allows (device-recovery.ts); the counters
   * carry over. Past that, it stays stopped and says so.
   */
  async #recover(err: Error): Promise<void> {
    this.#session = undefined
    if (!this.#live || !this.#recoveries.take()) {
      this.#live = false
      this.#setRunning(false)
      this.#status(`${err.message}. It kept happening, so Tessera stopped. Press Start to try again.`)
      return
    }
    this.#figures.carryOver()
    this.#status(`${err.message}. Starting again on a new device…`)
    try {
      await this.#open()
      if (!this.#live) return void (await this.stop())
      this.#status('Running again: the GPU was reset and work resumed on a new device.')
      this.#pause.apply()
    } catch (again) {
      this.#live = false
      this.#setRunning(false)
      this.#status(
        `${err.message}, and starting again failed: ${(again as Error).message}. Press Start to try again.`,
      )
    }
  }

  /** A session on a fresh engine; the caller says what it means for the page. */
  async #open(): Promise<void> {
    const bootstrap = await this.#bootstrap!
    // Loaded on Start: the page stays small, and no GPU or libp2p code even loads before consent.
    const { startSession } = await import('../client/session.ts')
    this.#session = await startSession({
      bootstrap,
      store: this.#store,
      engine: parseEngineChoice(this.getAttribute('engine')),
      validatorUrl: this.validatorUrl,
      // Read at each choice: pinning or excluding takes effect on the next shard.
      allow: (offer) => allows(this.#settings, offer),
      dutyCycle: this.#settings.dutyCycle,
      onEvent: (event) => this.#onEvent(event),
      onBlob: (event) => {
        if (event.type === 'download') {
          const pct = event.total > 0 ? Math.floor((100 * event.received) / event.total) : 0
          this.#progress(
            `Downloading model data ${event.sha256.slice(0, 12)}…: ${pct}% of ${(event.total / 1e6).toFixed(1)} MB`,
          )
        } else if (event.type === 'cached') void this.#network.modelCache()
        if (event.type === 'cached' && event.evicted.length > 0) {
          this.#progress(
            `Browser storage was full: removed ${event.evicted.length} older download(s) to keep this one.`,
          )
        }
      },
      onDeviceLost: (err) => void this.#recover(err),
      onLink: (state) => {
        // While the validator is unreachable, that is the news: lanes' own retries do not replace it.
        this.#linkDown = state.type === 'unreachable'
        if (this.#live && this.#pause.reason == null)
          this.#status(
            state.type === 'reconnected'
              ? 'Reconnected to the validator: work goes on.'
              : `Cannot reach the validator (${state.error}). Trying again in ${Math.round(state.retryInMs / 1000)} s…`,
          )
      },
      onNetwork: (state) => this.#network.connections(state),
      onNotice: (text) => this.#progress(text),
    })
    this.#network.engine(this.#session.engine.description, this.#session.engineReason)
    this.#pause.reset()
    this.#linkDown = false
  }

  #remember(change: Partial<Settings>): void {
    this.#settings = { ...this.#settings, ...change }
    saveSettings(this.#settings)
  }

  async stop(): Promise<void> {
    // Also ends a recovery under way: it finds the session no longer live and stops what it opened.
    this.#live = false
    const session = this.#session
    if (session == null) return
    this.#session = undefined
    this.#button('stop').disabled = true
    this.#pause.stop()
    clearInterval(this.#estimateTimer)
    this.#estimateTimer = undefined
    clearInterval(this.#chartTimer)
    this.#chartTimer = undefined
    await session.stop()
    this.#setRunning(false)
    this.#status('Stopped. Nothing runs on your GPU or CPU for Tessera now.')
    this.#figures.sample(false)
    void this.#refreshEarnings()
    this.#emit('stopped', {})
  }

  #onEvent(event: ContributorEvent): void {
    if (event.type === 'stats') this.#showStats(event.stats)
    else if (event.type === 'accepted') {
      void this.#rewards?.refresh()
      if (Date.now() - (this.#earnings?.refreshedAt ?? 0) > ESTIMATE_EVERY_MS / 3)
        void this.#refreshEarnings()
      const { shardId, kind, flops, validator } = event.receipt.body
      this.#emit('shard-accepted', { kind, shardId, flops, validator })
      this.#progress(`Running: shard ${shardId} accepted (${event.computeMs.toFixed(0)} ms of compute).`)
    } else if (event.type === 'rejected') this.#progress(`A shard was rejected: ${event.rejection.message}`)
    else if (event.type === 'error') {
      this.#progress(`Problem: ${event.error?.message ?? String(event.error)}. Retrying…`)
      this.#emit('error', { message: event.error?.message ?? String(event.error) })
    }
  }

  #showStats(stats: ContributorStats): void {
    this.#figures.show(stats)
    if (stats.latencyMs != null) this.#network.latency(stats.latencyMs)
    // The automatic engine may switch after comparing engines on real shards.
    if (this.#session != null) this.#network.engine(this.#session.engine.description)
  }

  /** Live charts from Start on, sampled every CHART_EVERY_MS with the market panel's refresh. */
  async #startCharts(): Promise<void> {
    await this.#figures.showCharts()
    this.#figures.sample(this.#session != null)
    this.#chartTimer ??= setInterval(() => {
      this.#figures.sample(this.#session != null)
      this.#renderMarket()
    }, CHART_EVERY_MS)
  }

  #renderMarket(): void {
    const view = this.#session?.market()
    if (view == null) return
    this.#market?.render(view, {
      creditBy: this.#earnings?.creditBy ?? new Map(),
      epochCreditBy: this.#earnings?.epochCreditBy ?? new Map(),
      deliveredGflops: this.#figures.last?.deliveredGflops ?? 0,
    })
  }

  #setRunning(running: boolean): void {
    this.#button('start').disabled = running
    this.#button('stop').disabled = !running
  }

  #status(text: string): void {
    this.#el('[data-testid="status"]').textContent = text
  }

  /**
   * A running session's news: dropped once Stop was pressed, and while paused (the shard in hand
   * still downloads and finishes; the line keeps saying why nothing new starts).
   */
  #progress(text: string): void {
    if (this.#live && this.#pause.reason == null && !this.#linkDown) this.#status(text)
  }

  async #refreshEarnings(): Promise<void> {
    await this.#earnings?.refresh()
  }

  async #resolveBootstrap(): Promise<BootstrapInfo> {
    const configured = parseMultiaddrList(this.getAttribute('bootstrap'))
    if (configured.length > 0) {
      return {
        netuid: Number(this.getAttribute('netuid') ?? 1),
        multiaddrs: configured,
        peerId: peerIdOf(configured),
      }
    }
    return fetchBootstrap(this.validatorUrl)
  }

  #el<T extends HTMLElement = HTMLElement>(selector: string): T {
    return this.#root.querySelector<T>(selector)!
  }

  /** Tells the host page: `tessera:<name>`, out of the shadow root. */
  #emit(name: 'started' | 'stopped' | 'shard-accepted' | 'error', detail: object): void {
    this.dispatchEvent(new CustomEvent(`tessera:${name}`, { detail, bubbles: true, composed: true }))
  }

  #button(name: 'start' | 'stop'): HTMLButtonElement {
    return this.#el<HTMLButtonElement>(`[data-testid="${name}"]`)
  }

  #field(name: string): HTMLElement {
    return this.#el(`[data-field="${name}"]`)
  }
}

if (!customElements.get('tessera-contribute')) customElements.define('tessera-contribute', TesseraContribute)
