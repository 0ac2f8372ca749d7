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
import { estimateText, fetchEpochStatus, formatCredit, latestReceipts, lifetimeOf } from './earnings.ts'
import type { LiveCharts } from './live-charts.ts'
import { MarketPanel } from './market-panel.ts'
import { PauseController } from './pause-controller.ts'
import { REWARDS_TEMPLATE, RewardsPanel } from './rewards-panel.ts'
import { allows, loadSettings, type Settings, saveSettings } from './settings.ts'
import { WIDGET_CSS } from './widget-styles.ts'

/** Receipts listed in the widget; all of them stay in IndexedDB for claims. */
const RECEIPTS_SHOWN = 20
/** How often a running widget refreshes the epoch estimate. */
const ESTIMATE_EVERY_MS = 15_000
/** How often the live charts take a sample. */
const CHART_EVERY_MS = 2000

const TEMPLATE = `
<section class="card">
  <header>
    <h2>Contribute your GPU</h2>
    <p class="subnet" data-testid="subnet">Subnet <span data-field="netuid">…</span></p>
  </header>
  <p class="consent">
    When you press <strong>Start</strong>, this page runs compute shards for the subnet's validator
    (matrix multiplications, and batches of the subnet's neural-network models) on your GPU through
    WebGPU, or on your CPU when this browser has no usable GPU, and sends the results back over an
    encrypted peer-to-peer connection. Models are downloaded once and kept in this browser. It uses your
    GPU or CPU, power and some bandwidth while it runs. Nothing runs before you press Start, and Stop
    ends all of it at once.
  </p>
  <p class="support" data-testid="support"></p>
  <div class="controls">
    <button type="button" class="start" data-testid="start">Start</button>
    <button type="button" class="stop" data-testid="stop" disabled>Stop</button>
    <label class="throttle">GPU use
      <input type="range" min="10" max="100" step="10" value="100" data-testid="throttle" />
      <output data-field="throttle">100%</output>
    </label>
  </div>
  <div class="options">
    <label><input type="checkbox" data-testid="pause-hidden" /> Pause while this tab is hidden</label>
    <label><input type="checkbox" data-testid="pause-battery" /> Pause on battery power</label>
  </div>
  <p class="status" data-testid="status" role="status">Ready.</p>
  <dl class="stats">
    <div><dt>Accepted shards (all time)</dt><dd data-testid="accepted">0</dd></div>
    <div><dt>Rejected (this run)</dt><dd data-testid="rejected">0</dd></div>
    <div><dt>Credit (verified GFLOP, all time)</dt><dd data-testid="credit">0</dd></div>
    <div><dt>Device GFLOP/s</dt><dd data-testid="gflops">0</dd></div>
    <div><dt>Delivered GFLOP/s</dt><dd data-testid="delivered">0</dd></div>
  </dl>
  <p class="estimate" data-testid="estimate" hidden></p>
  <div class="charts" data-field="charts" hidden>
    <figure><figcaption>Delivered rate (GFLOP/s)</figcaption>
      <div class="chart" role="img" data-testid="chart-rate" aria-label="Delivered rate over time"></div></figure>
    <figure><figcaption>Accepted and rejected shards, credit</figcaption>
      <div class="chart" role="img" data-testid="chart-shards" aria-label="Shards and credit over time"></div></figure>
  </div>
  <details class="receipts">
    <summary>Your receipts (latest ${RECEIPTS_SHOWN})</summary>
    <ol data-testid="receipts"></ol>
  </details>
  <section class="market" data-field="market" hidden aria-labelledby="market-title">
    <h3 id="market-title">Market</h3>
    <p class="market-why" data-testid="market-why" aria-live="polite"></p>
    <label class="market-pin">Work for
      <select data-testid="market-pin"><option value="">whichever validator pays most (automatic)</option></select>
    </label>
    <ul class="market-list" data-testid="market"></ul>
  </section>
  <dl class="network-panel" aria-label="Network">
    <dt>Engine</dt><dd data-testid="engine">not started</dd>
    <dt>Validator</dt><dd><code data-field="validator">…</code></dd>
    <dt>Connections</dt><dd data-testid="network">not connected</dd>
    <dt>Latency</dt><dd data-testid="latency">–</dd>
    <dt>Model cache</dt><dd data-testid="model-cache">–</dd>
  </dl>
</section>
${REWARDS_TEMPLATE}`

/** Device losses recovered from by themselves within RECOVERY_WINDOW_MS before Tessera stops. */
const MAX_RECOVERIES = 3
const RECOVERY_WINDOW_MS = 5 * 60_000

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
  /** Counts of the sessions this Start ran before a device loss, and the current one's latest. */
  #carried = { accepted: 0, rejected: 0, credit: 0 }
  #last: ContributorStats | undefined
  /** When device losses were recovered from (see #recover). */
  #recoveries: number[] = []
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
  #earningsAt = 0
  /** The validators are unreachable (the session redials): the status line says so until they answer. */
  #linkDown = false
  #charts: LiveCharts | undefined
  /** Credit per validator from the receipts held, as of the last earnings refresh. */
  #creditBy = new Map<string, number>()
  /** Credit by `<validator>:<epoch>`, from the same read. */
  #epochCreditBy = new Map<string, number>()
  #chartTimer: ReturnType<typeof setInterval> | undefined

  connectedCallback(): void {
    if (this.#root.childElementCount > 0) return
    this.#root.innerHTML = `<style>${WIDGET_CSS}</style>${TEMPLATE}`
    this.#button('start').addEventListener('click', () => void this.start())
    this.#button('stop').addEventListener('click', () => void this.stop())
    const throttle = this.#el<HTMLInputElement>('[data-testid="throttle"]')
    throttle.value = String(Math.round(this.#settings.dutyCycle * 100))
    this.#field('throttle').textContent = `${throttle.value}%`
    throttle.addEventListener('input', () => {
      this.#field('throttle').textContent = `${throttle.value}%`
      this.#remember({ dutyCycle: Number(throttle.value) / 100 })
      this.#session?.setDutyCycle(this.#settings.dutyCycle)
    })
    for (const [id, key] of [
      ['pause-hidden', 'pauseHidden'],
      ['pause-battery', 'pauseOnBattery'],
    ] as const) {
      const box = this.#el<HTMLInputElement>(`[data-testid="${id}"]`)
      box.checked = this.#settings[key]
      box.addEventListener('change', () => {
        this.#remember({ [key]: box.checked })
        this.#pause.apply()
      })
    }
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
    this.#el('details.receipts').addEventListener('toggle', () => void this.#refreshEarnings())
    void this.#refreshEarnings()
  }

  /** Lifetime totals (when idle), the epoch estimate and, when open, the receipts list. */
  async #refreshEarnings(): Promise<void> {
    this.#earningsAt = Date.now()
    const receipts = await this.#store.list()
    // The market panel's credit per validator comes from this read, not one of its own every 2 s.
    this.#creditBy = new Map()
    this.#epochCreditBy = new Map()
    for (const r of receipts) {
      this.#creditBy.set(r.validator, (this.#creditBy.get(r.validator) ?? 0) + r.credit)
      const key = `${r.validator}:${r.epoch}`
      this.#epochCreditBy.set(key, (this.#epochCreditBy.get(key) ?? 0) + r.credit)
    }
    if (this.#session == null && !this.#busy) {
      const lifetime = lifetimeOf(receipts)
      this.#el('[data-testid="accepted"]').textContent = String(lifetime.accepted)
      this.#el('[data-testid="credit"]').textContent = formatCredit(lifetime.credit)
    }
    if (this.#el<HTMLDetailsElement>('details.receipts').open) {
      const list = this.#el('[data-testid="receipts"]')
      const rows = await latestReceipts(receipts, RECEIPTS_SHOWN)
      list.replaceChildren(
        ...rows.map((r) => {
          const item = document.createElement('li')
          item.textContent =
            `${new Date(r.issuedAt).toLocaleTimeString()} ${r.kind} shard ${r.shardId}: ` +
            `${(r.flops / 1e9).toFixed(3)} GFLOP, credit ${r.credit.toFixed(3)}${r.claimed ? ' (claimed)' : ''}`
          return item
        }),
      )
      if (rows.length === 0) list.textContent = 'None yet: press Start to earn some.'
    }
    if (receipts.length === 0) return
    try {
      const status = await fetchEpochStatus(this.validatorUrl)
      const estimate = this.#el('[data-testid="estimate"]')
      estimate.textContent = estimateText(status, receipts)
      estimate.hidden = false
    } catch {
      // A validator without the estimate's fields (older) or unreachable: keep the last one shown.
    }
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
        this.#field('validator').textContent = info.peerId ?? info.multiaddrs[0]
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
    this.#recoveries = []
    this.#button('start').disabled = true
    this.#status('Starting: choosing the GPU or the CPU engine…')
    try {
      // The counters go on from every receipt this browser holds, not from zero.
      this.#carried = { ...lifetimeOf(await this.#store.list()), rejected: 0 }
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
      void this.#refreshModelCache()
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
   * started again on a new device, up to MAX_RECOVERIES times in RECOVERY_WINDOW_MS; the counters
   * carry over. Past that, it stays stopped and says so.
   */
  async #recover(err: Error): Promise<void> {
    this.#session = undefined
    const now = Date.now()
    this.#recoveries = this.#recoveries.filter((t) => now - t < RECOVERY_WINDOW_MS)
    if (!this.#live || this.#recoveries.length >= MAX_RECOVERIES) {
      this.#live = false
      this.#setRunning(false)
      this.#status(`${err.message}. It kept happening, so Tessera stopped. Press Start to try again.`)
      return
    }
    this.#recoveries.push(now)
    if (this.#last != null) {
      this.#carried.accepted += this.#last.accepted
      this.#carried.rejected += this.#last.rejected
      this.#carried.credit += this.#last.credit
      this.#last = undefined
    }
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
        } else if (event.type === 'cached') void this.#refreshModelCache()
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
      onNetwork: (state) => {
        const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`
        this.#el('[data-testid="network"]').textContent =
          `${plural(state.validators, 'validator')}, ${plural(state.browsers, 'other browser')} (WebRTC); ` +
          `${plural(state.offersViaBrowsers, 'offer')} relayed by other browsers` +
          (state.lastFailure != null && state.browsers === 0 ? `; ${state.lastFailure}` : '')
      },
    })
    this.#el('[data-testid="engine"]').textContent = this.#session.engine.description
    this.#el('[data-testid="engine"]').title = this.#session.engineReason
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
    this.#sampleCharts()
    void this.#refreshEarnings()
    this.#emit('stopped', {})
  }

  #onEvent(event: ContributorEvent): void {
    if (event.type === 'stats') this.#showStats(event.stats)
    else if (event.type === 'accepted') {
      void this.#rewards?.refresh()
      if (Date.now() - this.#earningsAt > ESTIMATE_EVERY_MS / 3) void this.#refreshEarnings()
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
    this.#last = stats
    const carried = this.#carried
    this.#el('[data-testid="accepted"]').textContent = String(carried.accepted + stats.accepted)
    this.#el('[data-testid="rejected"]').textContent = String(carried.rejected + stats.rejected)
    this.#el('[data-testid="credit"]').textContent = formatCredit(carried.credit + stats.credit)
    this.#el('[data-testid="gflops"]').textContent = stats.gflops.toFixed(2)
    // Verified work per second of wall time: what the validator credits, after network and idle time.
    this.#el('[data-testid="delivered"]').textContent = stats.deliveredGflops.toFixed(2)
    if (stats.latencyMs != null)
      this.#el('[data-testid="latency"]').textContent = `${Math.round(stats.latencyMs)} ms (lease round trip)`
    // The automatic engine may switch after comparing engines on real shards.
    if (this.#session != null)
      this.#el('[data-testid="engine"]').textContent = this.#session.engine.description
  }

  /** Live charts from Start on (uPlot loads then), sampled every 2 s; they stay after Stop. */
  async #startCharts(): Promise<void> {
    if (this.#charts == null) {
      const { createLiveCharts } = await import('./live-charts.ts')
      this.#field('charts').hidden = false
      this.#charts = createLiveCharts({
        rate: this.#el('[data-testid="chart-rate"]'),
        shards: this.#el('[data-testid="chart-shards"]'),
      })
    }
    this.#sampleCharts()
    this.#chartTimer ??= setInterval(() => {
      this.#sampleCharts()
      this.#renderMarket()
    }, CHART_EVERY_MS)
  }

  #renderMarket(): void {
    const view = this.#session?.market()
    if (view == null) return
    this.#market?.render(view, {
      creditBy: this.#creditBy,
      epochCreditBy: this.#epochCreditBy,
      deliveredGflops: this.#last?.deliveredGflops ?? 0,
    })
  }

  #sampleCharts(): void {
    const last = this.#last
    this.#charts?.push({
      at: Date.now(),
      deliveredGflops: this.#session != null ? (last?.deliveredGflops ?? 0) : 0,
      accepted: this.#carried.accepted + (last?.accepted ?? 0),
      rejected: this.#carried.rejected + (last?.rejected ?? 0),
      credit: this.#carried.credit + (last?.credit ?? 0),
    })
  }

  /** What this browser keeps of the validator's models and data (Cache Storage). */
  async #refreshModelCache(): Promise<void> {
    const { createModelCache } = await import('../client/model-cache.ts')
    const models = await createModelCache().list()
    const bytes = models.reduce((sum, m) => sum + m.size, 0)
    this.#el('[data-testid="model-cache"]').textContent =
      `${models.length} item${models.length === 1 ? '' : 's'}, ${(bytes / 1e6).toFixed(1)} MB kept in this browser`
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
