/**
 * The widget's Market section: every validator the page found (subnet, kinds, the rate it announces
 * and what this browser believes of it, pool and epoch end, trust, this browser's credit there), the
 * "Work for" choice and exclude boxes the visitor sets, and where the page works now and what that
 * will pay (docs/MARKET.md). A controller over the widget's shadow root, as RewardsPanel is.
 */

import { projectEpoch } from '../client/projection.ts'
import type { MarketView } from '../client/session.ts'
import { LEFT_BELOW } from '../client/trust.ts'
import { formatCredit } from './earnings.ts'
import type { Settings } from './settings.ts'

export interface MarketPanelOptions {
  root: ParentNode
  settings(): Settings
  remember(change: Partial<Settings>): void
  now?: () => number
}

/** What the page holds of its own work, for each validator. */
export interface MarketFigures {
  /** Credit per validator, and per `<validator>:<epoch>`, from the receipts this browser holds. */
  creditBy: Map<string, number>
  epochCreditBy: Map<string, number>
  /** Verified GFLOP/s this browser delivers now. */
  deliveredGflops: number
}

const short = (peer: string) => `${peer.slice(0, 6)}…${peer.slice(-4)}`

export class MarketPanel {
  readonly #options: MarketPanelOptions

  constructor(options: MarketPanelOptions) {
    this.#options = options
    this.#el<HTMLSelectElement>('[data-testid="market-pin"]').addEventListener('change', (event) => {
      const value = (event.target as HTMLSelectElement).value
      options.remember({ pin: value === '' ? undefined : value })
    })
  }

  render(view: MarketView, figures: MarketFigures): void {
    if (view.validators.length === 0) return
    this.#el('[data-field="market"]').hidden = false
    this.#renderPin(view)
    this.#el('[data-testid="market"]').replaceChildren(
      ...view.validators.map((v) => this.#item(view, v, figures)),
    )
    this.#renderWhy(view, figures)
  }

  #renderPin(view: MarketView): void {
    const pin = this.#el<HTMLSelectElement>('[data-testid="market-pin"]')
    const choices = [
      ...[...new Set(view.validators.map((v) => v.netuid))].map((n) => [`subnet:${n}`, `only subnet ${n}`]),
      ...view.validators.map((v) => [v.validator, `only ${short(v.validator)} (subnet ${v.netuid})`]),
    ]
    for (const [value, text] of choices) {
      if ([...pin.options].some((o) => o.value === value)) continue
      const option = document.createElement('option')
      option.value = value
      option.textContent = text
      pin.append(option)
    }
    pin.value = this.#options.settings().pin ?? ''
  }

  #item(view: MarketView, v: MarketView['validators'][number], figures: MarketFigures): HTMLLIElement {
    const item = document.createElement('li')
    item.dataset.validator = v.validator
    const settings = this.#options.settings()
    const excluded = settings.exclude.includes(v.validator)
    const state = excluded
      ? 'excluded by you'
      : v.trust < LEFT_BELOW
        ? 'left: it refused or rejected work'
        : view.working?.validator === v.validator
          ? 'working here'
          : 'available'
    const belief = v.absurd
      ? "its announced pool is far above the others', so it is not believed"
      : v.proven
        ? 'seen paying this browser'
        : `unproven: counted as ${v.believedRate.toPrecision(3)} until this browser has seen it pay`
    item.dataset.belief = v.absurd ? 'absurd' : v.proven ? 'proven' : 'unproven'
    const text = document.createElement('span')
    text.textContent =
      `Subnet ${v.netuid}, ${short(v.validator)} (${v.kinds.join(', ')}): ` +
      `announces ${v.rewardRate.toPrecision(3)} TAO per GFLOP this epoch (pool ${v.poolTao} TAO, ends ` +
      `${new Date(v.epochEndsAt).toLocaleTimeString()}), ${belief}; trust ${Math.round(v.trust * 100)}%; ` +
      `your credit ${formatCredit(figures.creditBy.get(v.validator) ?? 0)}; ${state}.`
    const box = document.createElement('input')
    box.type = 'checkbox'
    box.checked = excluded
    box.setAttribute('aria-label', `Exclude validator ${short(v.validator)}`)
    box.addEventListener('change', () => {
      const rest = this.#options.settings().exclude.filter((x) => x !== v.validator)
      this.#options.remember({ exclude: box.checked ? [...rest, v.validator] : rest })
    })
    const label = document.createElement('label')
    label.append(box, ' exclude')
    item.append(text, ' ', label)
    return item
  }

  /** Where the page works now, and what that validator's current epoch will pay this browser. */
  #renderWhy(view: MarketView, figures: MarketFigures): void {
    const w = view.working
    const why = this.#el('[data-testid="market-why"]')
    const v = view.validators.find((x) => x.validator === w?.validator)
    if (w == null || v == null) {
      why.textContent = 'Choosing where to work…'
      return
    }
    const { tao } = projectEpoch({
      pool: Number(v.poolTao),
      mine: figures.epochCreditBy.get(`${v.validator}:${v.epoch}`) ?? 0,
      myRate: figures.deliveredGflops,
      epochCredit: v.epochCredit,
      creditRate: v.creditRate,
      now: (this.#options.now ?? Date.now)(),
      endsAt: v.epochEndsAt,
    })
    why.dataset.epoch = String(v.epoch)
    why.dataset.projectedTao = String(tao)
    const ends = new Date(v.epochEndsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    why.textContent =
      `Working for ${short(w.validator)} (subnet ${w.netuid}, ${w.kind}${w.job != null ? `: ${w.job}` : ''}): ` +
      'of the offers this browser can run, ' +
      (w.taoPerSecond > 0
        ? 'it pays most on this device. '
        : 'it is being measured (a share of shards tries each offer, so rates and speeds stay current). ') +
      `At your current rate you would earn about ${tao.toPrecision(3)} TAO of its epoch ${v.epoch} pool of ` +
      `${v.poolTao} TAO by the epoch's end at ${ends}, paid once you claim.`
  }

  #el<T extends Element = HTMLElement>(selector: string): T {
    return this.#options.root.querySelector<T>(selector)!
  }
}
