/** The widget's Market section, rendered in Chromium from a market view. */
import { describe, expect, it } from 'vitest'
import type { MarketView } from '../client/session.ts'
import { MarketPanel } from './market-panel.ts'
import type { Settings } from './settings.ts'

const peer = (c: string) => `12D3KooW${c.repeat(44)}`
const validator = (
  c: string,
  patch: Partial<MarketView['validators'][number]>,
): MarketView['validators'][number] => ({
  validator: peer(c),
  netuid: 1,
  rewardRate: 0.5,
  believedRate: 0.45,
  proven: false,
  absurd: false,
  poolTao: '1',
  epoch: 12,
  epochCredit: 10,
  creditRate: 1,
  epochEndsAt: 60_000,
  kinds: ['gemm'],
  trust: 1,
  acceptance: 1,
  taoPerSecond: 0,
  ...patch,
})

function mount() {
  const root = document.createElement('div')
  root.innerHTML = `<section data-field="market" hidden>
    <select data-testid="market-pin"><option value="">automatic</option></select>
    <ul data-testid="market"></ul><p data-testid="market-why"></p></section>`
  document.body.append(root)
  let settings: Settings = { dutyCycle: 1, pauseHidden: false, pauseOnBattery: false, exclude: [] }
  const panel = new MarketPanel({
    root,
    settings: () => settings,
    remember: (change) => {
      settings = { ...settings, ...change }
    },
    now: () => 30_000,
  })
  return { root, panel, settings: () => settings }
}

describe('the market panel', () => {
  it('says what it believes of each validator, where the page works, and what that epoch will pay', () => {
    const { root, panel, settings } = mount()
    const view: MarketView = {
      validators: [
        validator('a', { proven: true, believedRate: 0.5 }),
        validator('b', {}),
        validator('c', { absurd: true, poolTao: '999999999999', rewardRate: 1e11 }),
      ],
      working: {
        validator: peer('a'),
        netuid: 1,
        kind: 'infer',
        taoPerSecond: 0.001,
        job: 'Scoring text for job 7f3a01c2',
      },
    }
    // Half the epoch gone: 5 of its 10 GFLOP are this browser's, which adds 1 of the 1 GFLOP/s.
    panel.render(view, {
      creditBy: new Map(),
      epochCreditBy: new Map([[`${peer('a')}:12`, 5]]),
      deliveredGflops: 1,
    })
    expect(root.querySelector<HTMLElement>('[data-field="market"]')!.hidden).toBe(false)
    const items = [...root.querySelectorAll<HTMLLIElement>('[data-testid="market"] li')]
    expect(items.map((li) => li.dataset.belief)).toEqual(['proven', 'unproven', 'absurd'])
    expect(items[1].textContent).toContain('unproven: counted as 0.450')
    expect(items[2].textContent).toContain('not believed')
    expect(items[0].textContent).toContain('working here')
    const why = root.querySelector<HTMLElement>('[data-testid="market-why"]')!
    // (5 + 1·30) of (10 + 1·30) by the end: 35/40 of the pool.
    expect(Number(why.dataset.projectedTao)).toBeCloseTo(0.875, 6)
    expect(why.textContent).toMatch(/about 0\.875 TAO of its epoch 12 pool of 1 TAO/)
    expect(why.textContent).not.toMatch(/per hour/)
    // A requester's job says what the page is helping with.
    expect(why.textContent).toContain('(subnet 1, infer: Scoring text for job 7f3a01c2)')
    // The visitor's choices are remembered.
    const box = items[1].querySelector('input')!
    box.click()
    expect(settings().exclude).toEqual([peer('b')])
    const pin = root.querySelector<HTMLSelectElement>('[data-testid="market-pin"]')!
    expect([...pin.options].map((o) => o.value)).toContain('subnet:1')
    pin.value = peer('c')
    pin.dispatchEvent(new Event('change'))
    expect(settings().pin).toBe(peer('c'))
  })
})
