/**
 * The widget's live charts (uPlot, loaded on Start): the delivered rate, and accepted and rejected
 * shards with the credit, over the last 15 minutes. Each chart's container says what it shows now
 * in its accessible name, and how many samples it holds (`data-samples`).
 */
import uPlot from 'uplot'
import css from 'uplot/dist/uPlot.min.css?inline'

export interface Sample {
  /** Wall time, ms since the epoch. */
  at: number
  deliveredGflops: number
  accepted: number
  rejected: number
  credit: number
}

export interface LiveCharts {
  push(sample: Sample): void
  destroy(): void
}

/** Samples kept: 15 minutes at one every 2 s. */
const KEEP = 450
const HEIGHT = 140

export function createLiveCharts(options: { rate: HTMLElement; shards: HTMLElement }): LiveCharts {
  const root = options.rate.getRootNode()
  if (root instanceof ShadowRoot && root.querySelector('style[data-uplot]') == null) {
    const style = document.createElement('style')
    style.dataset.uplot = ''
    style.textContent = css
    root.append(style)
  }
  const width = (el: HTMLElement) => Math.max(200, Math.floor(el.clientWidth || 320))
  const axes = (label: string): uPlot.Axis[] => [{}, { label, size: 50 }]
  const rate = new uPlot(
    {
      width: width(options.rate),
      height: HEIGHT,
      series: [{}, { label: 'Delivered GFLOP/s', stroke: '#1f6feb', width: 2 }],
      axes: axes('GFLOP/s'),
      legend: { show: false },
    },
    [[], []],
    options.rate,
  )
  const shards = new uPlot(
    {
      width: width(options.shards),
      height: HEIGHT,
      series: [
        {},
        { label: 'Accepted', stroke: '#1a7f37', width: 2, scale: 'shards' },
        { label: 'Rejected', stroke: '#cf222e', width: 2, scale: 'shards' },
        { label: 'Credit (GFLOP)', stroke: '#8250df', width: 2, scale: 'credit' },
      ],
      scales: { shards: {}, credit: {} },
      axes: [
        {},
        { scale: 'shards', label: 'shards', size: 50 },
        { scale: 'credit', side: 1, label: 'GFLOP', size: 50, grid: { show: false } },
      ],
    },
    [[], [], [], []],
    options.shards,
  )
  const data: number[][] = [[], [], [], [], []]
  const resize = new ResizeObserver(() => {
    rate.setSize({ width: width(options.rate), height: HEIGHT })
    shards.setSize({ width: width(options.shards), height: HEIGHT })
  })
  resize.observe(options.rate)

  return {
    push(sample) {
      const row = [sample.at / 1000, sample.deliveredGflops, sample.accepted, sample.rejected, sample.credit]
      row.forEach((value, i) => {
        data[i].push(value)
        if (data[i].length > KEEP) data[i].shift()
      })
      const [t, delivered, accepted, rejected, credit] = data
      rate.setData([t, delivered])
      shards.setData([t, accepted, rejected, credit])
      for (const el of [options.rate, options.shards]) el.dataset.samples = String(t.length)
      options.rate.setAttribute(
        'aria-label',
        `Delivered rate over time, now ${sample.deliveredGflops.toFixed(2)} GFLOP/s`,
      )
      options.shards.setAttribute(
        'aria-label',
        `Shards and credit over time, now ${sample.accepted} accepted, ${sample.rejected} rejected, credit ${sample.credit.toFixed(2)} GFLOP`,
      )
    },
    destroy() {
      resize.disconnect()
      rate.destroy()
      shards.destroy()
    },
  }
}
