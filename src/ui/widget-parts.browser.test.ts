/**
 * The widget's parts, each on the widget's real markup in Chromium: the earnings figures from a
 * receipt store, the running counters across a device loss, the network panel and the settings
 * controls.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import type { ContributorStats } from '../client/contributor.ts'
import { createModelCache } from '../client/model-cache.ts'
import { createMemoryReceiptStore } from '../client/receipt-store.ts'
import { hex } from '../p2p/blob-protocol.ts'
import { signReceipt } from '../protocol/receipt.ts'
import { EarningsPanel } from './earnings-panel.ts'
import { NetworkPanel } from './network-panel.ts'
import { RunFigures } from './run-figures.ts'
import type { Settings } from './settings.ts'
import { bindSettingsControls } from './settings-controls.ts'
import { WIDGET_TEMPLATE } from './widget-template.ts'

function mount(): HTMLElement {
  const root = document.createElement('div')
  root.innerHTML = WIDGET_TEMPLATE
  document.body.append(root)
  return root
}
const text = (root: ParentNode, id: string) => root.querySelector(`[data-testid="${id}"]`)!.textContent

const stats = (patch: Partial<ContributorStats>): ContributorStats => ({
  accepted: 0,
  rejected: 0,
  credit: 0,
  gflops: 0,
  deliveredGflops: 0,
  uplink: 0,
  downlink: 0,
  bytes: {},
  running: true,
  ...patch,
})

describe('the widget parts', () => {
  it('earnings: lifetime totals while idle, the receipts list when open, the epoch estimate, credit by validator', async () => {
    const root = mount()
    const key = await generateKeyPair('Ed25519')
    const validator = peerIdFromPrivateKey(key).toString()
    const store = createMemoryReceiptStore()
    for (const [i, epoch] of [
      [1, 7],
      [2, 8],
      [3, 8],
    ]) {
      const body = {
        netuid: 1,
        validator,
        contributor: validator,
        receiptId: `r${i}`,
        leaseId: `l${i}`,
        shardId: `s${i}`,
        offerId: 'gemm',
        kind: 'gemm',
        flops: 2e9,
        credit: 2,
        epoch,
        issuedAt: 1000 * i,
        resultDigest: new Uint8Array(32),
      }
      await store.put(await signReceipt(body, key))
    }
    let idle = true
    const panel = new EarningsPanel({
      root,
      store,
      validatorUrl: () => 'http://127.0.0.1:1/',
      idle: () => idle,
      epochStatus: async () => ({
        peerId: validator,
        epoch: 8,
        epochEndsAt: Date.now() + 60_000,
        pool: { tao: '1', epochCredit: 16 },
      }),
    })
    await panel.refresh()
    expect(text(root, 'accepted')).toBe('3')
    expect(text(root, 'credit')).toBe('6')
    // 4 of the epoch's 16 GFLOP are this browser's: a quarter of the pool.
    expect(text(root, 'estimate')).toMatch(
      /your credit 4\.000 of 16\.000 .* about 0\.250 of the pool's 1 TAO \(25\.0%\)/,
    )
    expect(panel.creditBy.get(validator)).toBe(6)
    expect(panel.epochCreditBy.get(`${validator}:8`)).toBe(4)
    // A running session's counters are not overwritten by the stored totals.
    idle = false
    root.querySelector('[data-testid="accepted"]')!.textContent = '99'
    const details = root.querySelector<HTMLDetailsElement>('details.receipts')!
    details.open = true
    await panel.refresh()
    expect(text(root, 'accepted')).toBe('99')
    const items = [...root.querySelectorAll('[data-testid="receipts"] li')].map((li) => li.textContent)
    expect(items).toHaveLength(3)
    expect(items[0]).toMatch(/gemm shard s3: 2\.000 GFLOP, credit 2\.000$/)
  })

  it('running figures: counters go on from the receipts held and across a device loss; charts sample them', async () => {
    const root = mount()
    const figures = new RunFigures(root)
    figures.begin({ accepted: 10, credit: 5 })
    expect(text(root, 'link')).toBe('–')
    figures.show(
      stats({ accepted: 2, rejected: 1, credit: 1, gflops: 3.456, deliveredGflops: 1.5, downlink: 6.25e6 }),
    )
    expect([text(root, 'accepted'), text(root, 'rejected'), text(root, 'credit')]).toEqual(['12', '1', '6'])
    expect([text(root, 'gflops'), text(root, 'delivered')]).toEqual(['3.46', '1.50'])
    // The downlink measured, the uplink not yet.
    expect(text(root, 'link')).toBe('6.3 / –')
    // A device that computes, however slowly, never reads 0.00.
    const slowRoot = mount()
    new RunFigures(slowRoot).show(stats({ gflops: 0.0042, deliveredGflops: 0.0011 }))
    expect([text(slowRoot, 'gflops'), text(slowRoot, 'delivered')]).toEqual(['0.0042', '0.0011'])
    // The device was lost: the next session starts from zero, the widget's counts do not.
    figures.carryOver()
    figures.show(stats({ accepted: 1, credit: 0.5 }))
    expect([text(root, 'accepted'), text(root, 'rejected'), text(root, 'credit')]).toEqual(['13', '1', '6.5'])
    await figures.showCharts()
    expect(root.querySelector<HTMLElement>('[data-field="charts"]')!.hidden).toBe(false)
    figures.sample(true)
    figures.sample(false)
    expect(Number(root.querySelector<HTMLElement>('[data-testid="chart-rate"]')!.dataset.samples)).toBe(2)
  })

  it('network panel: connections, the last failed link, latency, engine and the model cache', async () => {
    const root = mount()
    const panel = new NetworkPanel(root)
    panel.connections({
      validators: 1,
      browsers: 0,
      offersViaBrowsers: 0,
      lastFailure: 'WebRTC dial failed: timeout',
    })
    expect(text(root, 'network')).toBe(
      '1 validator, 0 other browsers (WebRTC); 0 offers relayed by other browsers; WebRTC dial failed: timeout',
    )
    panel.connections({ validators: 2, browsers: 1, offersViaBrowsers: 3, lastFailure: 'old news' })
    expect(text(root, 'network')).toBe(
      '2 validators, 1 other browser (WebRTC); 3 offers relayed by other browsers',
    )
    panel.latency(41.6)
    expect(text(root, 'latency')).toBe('42 ms (lease round trip)')
    panel.engine('WebGPU (SwiftShader)', 'a software adapter')
    expect(root.querySelector<HTMLElement>('[data-testid="engine"]')!.title).toBe('a software adapter')
    const cache = createModelCache({ cacheName: `test-${crypto.randomUUID()}` })
    const bytes = new Uint8Array(1_500_000).fill(7)
    await cache.put(hex(sha256(bytes)), bytes)
    await panel.modelCache(cache)
    expect(text(root, 'model-cache')).toBe('1 item, 1.5 MB kept in this browser')
  })

  it('settings controls: shown as remembered, remembered as changed', () => {
    const root = mount()
    let settings: Settings = { dutyCycle: 0.5, pauseHidden: true, pauseOnBattery: false, exclude: [] }
    const duties: number[] = []
    let applied = 0
    bindSettingsControls({
      root,
      settings: () => settings,
      remember: (change) => {
        settings = { ...settings, ...change }
      },
      onDutyCycle: (d) => duties.push(d),
      onPauseOption: () => applied++,
    })
    const throttle = root.querySelector<HTMLInputElement>('[data-testid="throttle"]')!
    expect(throttle.value).toBe('50')
    expect(root.querySelector('[data-field="throttle"]')!.textContent).toBe('50%')
    throttle.value = '30'
    throttle.dispatchEvent(new Event('input'))
    expect(settings.dutyCycle).toBeCloseTo(0.3)
    expect(duties).toEqual([settings.dutyCycle])
    const battery = root.querySelector<HTMLInputElement>('[data-testid="pause-battery"]')!
    expect(battery.checked).toBe(false)
    battery.click()
    expect(settings.pauseOnBattery).toBe(true)
    expect(applied).toBe(1)
  })
})
