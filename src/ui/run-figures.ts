/**
 * The widget's running figures: accepted and rejected shards and credit (going on from every receipt
 * this browser holds, and across the sessions one Start runs when the device is lost and replaced),
 * the device and delivered rates, and the live charts sampled from them (uPlot, loaded on Start).
 */
import type { ContributorStats } from '../client/contributor.ts'
import { formatCredit, type Lifetime } from './earnings.ts'
import type { LiveCharts } from './live-charts.ts'

/** GFLOP/s to two decimals; a rate too small for them (a slow device's first, smallest shards) to two digits, not "0.00". */
export function formatRate(gflops: number): string {
  return gflops > 0 && gflops < 0.005 ? gflops.toPrecision(2) : gflops.toFixed(2)
}

export class RunFigures {
  readonly #root: ParentNode
  /** Counts of the sessions this Start ran before a device loss, and the current one's latest. */
  #carried = { accepted: 0, rejected: 0, credit: 0 }
  #last: ContributorStats | undefined
  #charts: LiveCharts | undefined

  constructor(root: ParentNode) {
    this.#root = root
  }

  /** The current session's latest stats, if it sent any. */
  get last(): ContributorStats | undefined {
    return this.#last
  }

  /** Start: the counters go on from the receipts held, not from zero. */
  begin(lifetime: Lifetime): void {
    this.#carried = { ...lifetime, rejected: 0 }
    this.#last = undefined
  }

  /** The session ended mid-run (device lost): its counts carry into the next one's. */
  carryOver(): void {
    if (this.#last == null) return
    this.#carried.accepted += this.#last.accepted
    this.#carried.rejected += this.#last.rejected
    this.#carried.credit += this.#last.credit
    this.#last = undefined
  }

  show(stats: ContributorStats): void {
    this.#last = stats
    const carried = this.#carried
    this.#el('[data-testid="accepted"]').textContent = String(carried.accepted + stats.accepted)
    this.#el('[data-testid="rejected"]').textContent = String(carried.rejected + stats.rejected)
    this.#el('[data-testid="credit"]').textContent = formatCredit(carried.credit + stats.credit)
    this.#el('[data-testid="gflops"]').textContent = formatRate(stats.gflops)
    // Verified work per second of wall time: what the validator credits, after network and idle time.
    this.#el('[data-testid="delivered"]').textContent = formatRate(stats.deliveredGflops)
    // The link as the shards measured it: what bounds a kind that moves many bytes per FLOP.
    const mb = (bytesPerSecond: number) => (bytesPerSecond > 0 ? (bytesPerSecond / 1e6).toFixed(1) : '–')
    this.#el('[data-testid="link"]').textContent = `${mb(stats.downlink)} / ${mb(stats.uplink)}`
  }

  /** The charts, shown from the first Start on; they stay after Stop. */
  async showCharts(): Promise<void> {
    if (this.#charts != null) return
    const { createLiveCharts } = await import('./live-charts.ts')
    this.#el('[data-field="charts"]').hidden = false
    this.#charts = createLiveCharts({
      rate: this.#el('[data-testid="chart-rate"]'),
      shards: this.#el('[data-testid="chart-shards"]'),
    })
  }

  /** One chart sample of the figures now; nothing is delivered while no session runs. */
  sample(running: boolean): void {
    const last = this.#last
    this.#charts?.push({
      at: Date.now(),
      deliveredGflops: running ? (last?.deliveredGflops ?? 0) : 0,
      accepted: this.#carried.accepted + (last?.accepted ?? 0),
      rejected: this.#carried.rejected + (last?.rejected ?? 0),
      credit: this.#carried.credit + (last?.credit ?? 0),
    })
  }

  #el(selector: string): HTMLElement {
    return this.#root.querySelector<HTMLElement>(selector)!
  }
}
