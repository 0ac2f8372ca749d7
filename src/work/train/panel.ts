/**
 * <tessera-training>: the validator's training run, for everyone who opens the page: the model
 * version being trained (its hash and step), held-out and training loss, the held-out loss curve as
 * it is measured, and text sampled from the current version on request. It reads the public
 * /api/status and /blobs/<sha256>; it asks for no GPU and runs nothing until Sample is pressed
 * (sampling is a few hundred single-token forward passes on the CPU). Hidden when the validator runs
 * no training.
 *
 * Attributes: api — base URL of the validator (default: this page's origin).
 *
 * The train kind's panel: registered in work/panel-kinds.ts, put on Tessera's page by its shell.
 */
import type { KindPanel } from '../kind.ts'
import { train } from './index.ts'
import { parseTrainStatus, type TrainPoint, type TrainStatus } from './status.ts'

const POLL_MS = 3000

const CSS = `
:host { display: block; font: 15px/1.45 system-ui, sans-serif; color: #1d232b; max-width: 40rem; margin-top: 1rem; }
/* The host's display rule would otherwise override the hidden attribute (no training run). */
:host([hidden]) { display: none; }
.card { border: 1px solid #d4dae2; border-radius: 12px; padding: 1rem 1.5rem; background: #fff; }
h2 { margin: 0 0 .25rem; font-size: 1.15rem; }
.meta { color: #5a6675; font-size: .9rem; margin: 0 0 .5rem; word-break: break-all; }
.figures { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: .25rem 0 .5rem; }
.figures strong { font-variant-numeric: tabular-nums; }
svg { width: 100%; height: auto; background: #f4f7fb; border-radius: 8px; }
button { font: inherit; padding: .4rem 1rem; border-radius: 8px; border: 1px solid #1f6feb; background: #fff; color: #1f6feb; cursor: pointer; }
button:disabled { opacity: .45; cursor: not-allowed; }
pre { white-space: pre-wrap; background: #f4f7fb; border-radius: 8px; padding: .75rem 1rem; font-size: .85rem; min-height: 1em; }
[hidden] { display: none !important; }
`

const TEMPLATE = `
<section class="card" aria-labelledby="training-title">
  <h2 id="training-title">Training a language model</h2>
  <p class="meta">Run <code data-field="run">…</code> (<span data-field="mode">…</span>): model version
    <code data-testid="train-version">…</code> at step <strong data-testid="train-step">…</strong></p>
  <div class="figures">
    <span>Held-out loss <strong data-testid="train-heldout">…</strong> nats/byte</span>
    <span>Training loss <strong data-testid="train-loss">…</strong></span>
  </div>
  <svg viewBox="0 0 400 160" role="img" aria-label="Held-out loss by step" data-testid="train-chart">
    <polyline fill="none" stroke="#1f6feb" stroke-width="2" points="" />
    <text x="6" y="14" font-size="11" fill="#5a6675" data-field="ymax"></text>
    <text x="6" y="154" font-size="11" fill="#5a6675" data-field="ymin"></text>
    <text x="394" y="154" font-size="11" fill="#5a6675" text-anchor="end" data-field="xmax"></text>
  </svg>
  <p><button type="button" data-testid="train-sample">Sample text from this version</button></p>
  <pre data-testid="train-text" aria-live="polite"></pre>
</section>`

export class TesseraTraining extends HTMLElement {
  #root = this.attachShadow({ mode: 'open' })
  #timer: ReturnType<typeof setInterval> | undefined
  #status: TrainStatus | undefined

  connectedCallback(): void {
    if (this.#root.childElementCount === 0) {
      this.#root.innerHTML = `<style>${CSS}</style>${TEMPLATE}`
      this.#el<HTMLButtonElement>('[data-testid="train-sample"]').addEventListener(
        'click',
        () => void this.sample(),
      )
    }
    this.hidden = true
    void this.refresh()
    this.#timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh()
    }, POLL_MS)
  }

  disconnectedCallback(): void {
    clearInterval(this.#timer)
  }

  #api(path: string): URL {
    return new URL(path, this.getAttribute('api') ?? location.origin)
  }

  #el<T extends Element = HTMLElement>(selector: string): T {
    return this.#root.querySelector<T>(selector)!
  }

  #set(selector: string, text: string) {
    this.#el(selector).textContent = text
  }

  async refresh(): Promise<void> {
    let run: TrainStatus | undefined
    try {
      const status = await (await fetch(this.#api('/api/status'))).json()
      run = parseTrainStatus(status?.sources?.[train.name])
    } catch {
      return
    }
    this.hidden = run == null
    if (run == null) {
      // A validator that runs no training is asked once, not every few seconds by every visitor.
      if (this.#status == null) clearInterval(this.#timer)
      return
    }
    this.#status = run
    this.#set('[data-field="run"]', run.run)
    this.#set('[data-field="mode"]', run.mode === 'local' ? 'low-communication' : 'data parallel')
    this.#set('[data-testid="train-version"]', run.weights.slice(0, 12))
    this.#set('[data-testid="train-step"]', String(run.step))
    this.#set('[data-testid="train-heldout"]', run.heldOutLoss?.toFixed(3) ?? '…')
    this.#set('[data-testid="train-loss"]', run.trainLoss?.toFixed(3) ?? '…')
    this.#plot(run.history)
  }

  #plot(points: TrainPoint[]) {
    if (points.length === 0) return
    const maxStep = Math.max(1, ...points.map((p) => p.step))
    const losses = points.map((p) => p.heldOutLoss)
    const hi = Math.max(...losses)
    const lo = Math.min(...losses)
    const span = Math.max(1e-6, hi - lo)
    const xy = points.map(
      (p) =>
        `${(10 + (380 * p.step) / maxStep).toFixed(1)},${(20 + (120 * (hi - p.heldOutLoss)) / span).toFixed(1)}`,
    )
    this.#el('polyline').setAttribute('points', xy.join(' '))
    this.#set('[data-field="ymax"]', hi.toFixed(2))
    this.#set('[data-field="ymin"]', lo.toFixed(2))
    this.#set('[data-field="xmax"]', `step ${maxStep}`)
  }

  async sample(): Promise<void> {
    const status = this.#status
    if (status == null) return
    const button = this.#el<HTMLButtonElement>('[data-testid="train-sample"]')
    const out = this.#el('[data-testid="train-text"]')
    button.disabled = true
    out.textContent = `Fetching version ${status.weights.slice(0, 12)}…`
    try {
      const [{ flatWeights }, { sample }] = await Promise.all([
        import('./checkpoint.ts'),
        import('./sample.ts'),
      ])
      const res = await fetch(this.#api(`/blobs/${status.weights}`))
      if (!res.ok) throw new Error(`the validator no longer serves version ${status.weights.slice(0, 12)}`)
      const { model } = status
      const weights = flatWeights(new Uint8Array(await res.arrayBuffer()), model)
      out.textContent = 'Sampling…'
      // Let the status paint before the CPU is busy.
      await new Promise((r) => setTimeout(r, 0))
      const bytes = sample(model, weights, new TextEncoder().encode('\n'), { length: 300, seed: Date.now() })
      out.textContent = new TextDecoder().decode(bytes)
    } catch (err) {
      out.textContent = `Could not sample: ${(err as Error).message}`
    } finally {
      button.disabled = false
    }
  }
}

export const trainPanel: KindPanel = {
  kind: train.name,
  tag: 'tessera-training',
  define: () => {
    if (!customElements.get('tessera-training')) customElements.define('tessera-training', TesseraTraining)
  },
}
