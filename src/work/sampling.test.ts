import { describe, expect, it } from 'vitest'
import { mustRecompute, secretRandom } from './sampling.ts'

describe('what gets recomputed', () => {
  it('always a suspect’s results, audited ones and a kind’s own reasons; else a draw at the rate', () => {
    const never = () => 0.999
    expect(mustRecompute({ suspect: true, audit: false }, [], 0, never)).toBe(true)
    expect(mustRecompute({ suspect: false, audit: true }, [], 0, never)).toBe(true)
    expect(mustRecompute({ suspect: false, audit: false }, [false, true], 0, never)).toBe(true)
    expect(mustRecompute({ suspect: false, audit: false }, [false], 0.5, never)).toBe(false)
    expect(mustRecompute({ suspect: false, audit: false }, [], 0.5, () => 0.4)).toBe(true)
    // The draw at the rate: about 25% of 10,000 at 0.25.
    let hits = 0
    for (let i = 0; i < 10_000; i++) if (mustRecompute({ suspect: false, audit: false }, [], 0.25)) hits++
    expect(hits).toBeGreaterThan(2200)
    expect(hits).toBeLessThan(2800)
    expect(secretRandom()).toBeGreaterThanOrEqual(0)
    expect(secretRandom()).toBeLessThan(1)
  })
})
