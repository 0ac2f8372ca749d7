/**
 * The widget's figures of what this browser earned, from the receipts it keeps: lifetime totals while
 * idle (a running session shows its own counters), the latest receipts when their list is open, the
 * current epoch's estimate from the validator, and the credit per validator and per epoch the market
 * panel reads (one store read serves all of them).
 */
import type { ReceiptStore } from '../client/receipt-store.ts'
import {
  type EpochStatus,
  estimateText,
  fetchEpochStatus,
  formatCredit,
  latestReceipts,
  lifetimeOf,
} from './earnings.ts'
import { RECEIPTS_SHOWN } from './widget-template.ts'

export interface EarningsPanelOptions {
  root: ParentNode
  store: ReceiptStore
  validatorUrl(): string
  /** No session running: the lifetime totals are this panel's to show. */
  idle(): boolean
  /** The validator's epoch (GET /api/status); fetched from `validatorUrl` unless given. */
  epochStatus?: (validatorUrl: string) => Promise<EpochStatus>
}

export class EarningsPanel {
  readonly #options: EarningsPanelOptions
  /** Credit per validator, and per `<validator>:<epoch>`, as of the last refresh. */
  creditBy = new Map<string, number>()
  epochCreditBy = new Map<string, number>()
  /** When the last refresh began (ms since the epoch). */
  refreshedAt = 0

  constructor(options: EarningsPanelOptions) {
    this.#options = options
    this.#el('details.receipts').addEventListener('toggle', () => void this.refresh())
  }

  async refresh(): Promise<void> {
    this.refreshedAt = Date.now()
    const receipts = await this.#options.store.list()
    const creditBy = new Map<string, number>()
    const epochCreditBy = new Map<string, number>()
    for (const r of receipts) {
      creditBy.set(r.validator, (creditBy.get(r.validator) ?? 0) + r.credit)
      const key = `${r.validator}:${r.epoch}`
      epochCreditBy.set(key, (epochCreditBy.get(key) ?? 0) + r.credit)
    }
    this.creditBy = creditBy
    this.epochCreditBy = epochCreditBy
    if (this.#options.idle()) {
      const lifetime = lifetimeOf(receipts)
      this.#el('[data-testid="accepted"]').textContent = String(lifetime.accepted)
      this.#el('[data-testid="credit"]').textContent = formatCredit(lifetime.credit)
    }
    if (this.#el<HTMLDetailsElement>('details.receipts').open) await this.#list(receipts)
    if (receipts.length === 0) return
    try {
      const status = await (this.#options.epochStatus ?? fetchEpochStatus)(this.#options.validatorUrl())
      const estimate = this.#el('[data-testid="estimate"]')
      estimate.textContent = estimateText(status, receipts)
      estimate.hidden = false
    } catch {
      // A validator without the estimate's fields (older) or unreachable: keep the last one shown.
    }
  }

  async #list(receipts: Awaited<ReturnType<ReceiptStore['list']>>): Promise<void> {
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

  #el<T extends HTMLElement = HTMLElement>(selector: string): T {
    return this.#options.root.querySelector<T>(selector)!
  }
}
