/**
 * The throttle and the pause, measured on the device itself (the engine's own busy intervals, not the
 * contributor's accounting) against a real validator over libp2p.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import type { MatmulEngine } from '../gpu/engine.ts'
import { createHarness, waitFor } from '../testing/test-support.ts'
import { createContributor } from './contributor.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

/** A CPU engine that records when it was busy. */
function timedEngine(): { engine: MatmulEngine; spans: Array<[number, number]> } {
  const inner = createCpuEngine()
  const spans: Array<[number, number]> = []
  return {
    spans,
    engine: {
      ...inner,
      async matmul(a, b, m, n, k) {
        const started = performance.now()
        try {
          return await inner.matmul(a, b, m, n, k)
        } finally {
          spans.push([started, performance.now()])
        }
      },
    },
  }
}

/** Fraction of wall time the device was busy, from the `skip`-th span to the last. */
function busyFraction(spans: Array<[number, number]>, skip: number): number {
  const window = spans.slice(skip)
  const busy = window.reduce((sum, [a, b]) => sum + (b - a), 0)
  return busy / (window[window.length - 1][1] - window[0][0])
}

async function run(dutyCycle: number, shards: number) {
  // Shards of tens of milliseconds, as on a real device (the harness's default ones take 1 ms, where
  // timer granularity and round trips dominate).
  const validator = await harness.startValidator({
    targetShardMs: 40,
    sections: { gemm: { batchRows: 512, inFeatures: 256, outFeatures: 256, maxTile: '128x256' } },
  })
  const node = await harness.contributorNode(validator)
  const { engine, spans } = timedEngine()
  await harness.contribute(node, { type: 'accepted', count: shards }, { runtimes: { engine }, dutyCycle })
  return busyFraction(spans, 5)
}

describe('throttle (duty cycle)', () => {
  it('at 25% the device is busy 25% ± 10 points of the time; unthrottled, far more', async () => {
    const quarter = await run(0.25, 30)
    const full = await run(1, 30)
    expect(Math.abs(quarter - 0.25)).toBeLessThanOrEqual(0.1)
    expect(full).toBeGreaterThan(0.5)
  })
})

describe('pause', () => {
  it('takes no new shard while paused, finishes the one in hand, and goes on when resumed', async () => {
    const validator = await harness.startValidator()
    const node = await harness.contributorNode(validator)
    const { engine, spans } = timedEngine()
    let accepted = 0
    const contributor = createContributor({
      node,
      netuid: 1,
      runtimes: { engine },
      onEvent: (e) => {
        if (e.type === 'accepted') accepted++
      },
    })
    contributor.start()
    try {
      await waitFor(() => accepted >= 3, 20_000)
      contributor.setPaused(true)
      await new Promise((r) => setTimeout(r, 500)) // shards in hand finish
      const spansAtPause = spans.length
      const acceptedAtPause = accepted
      await new Promise((r) => setTimeout(r, 1500))
      expect(spans.length).toBe(spansAtPause)
      expect(accepted).toBe(acceptedAtPause)

      contributor.setPaused(false)
      await waitFor(() => accepted >= acceptedAtPause + 3, 20_000)
    } finally {
      await contributor.stop()
    }
  })
})
