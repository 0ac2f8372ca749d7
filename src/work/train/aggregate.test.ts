import { describe, expect, it } from 'vitest'
import { aggregate } from './aggregate.ts'

const of = (...rows: number[][]) => rows.map((r) => ({ vector: Float32Array.from(r), weight: 1 }))

describe('step aggregates', () => {
  it('mean: the weighted mean', () => {
    const results = [
      { vector: Float32Array.of(1, 2), weight: 1 },
      { vector: Float32Array.of(4, 8), weight: 0.5 },
    ]
    expect([...aggregate('mean', results)]).toEqual([2, 4])
  })

  it('median and trimmed mean: one wild result among three or five moves no coordinate past the honest ones', () => {
    const honest = [
      [1, -1, 2],
      [1.2, -0.8, 2.2],
      [0.8, -1.2, 1.8],
      [1.1, -0.9, 2.1],
    ]
    const wild = [-100, 100, 1e6]
    for (const kind of ['median', 'trimmed-mean'] as const) {
      for (const k of [2, 4]) {
        const out = aggregate(kind, of(...honest.slice(0, k), wild))
        for (let i = 0; i < 3; i++) {
          const column = honest.slice(0, k).map((r) => Math.fround(r[i]))
          expect(out[i]).toBeGreaterThanOrEqual(Math.min(...column))
          expect(out[i]).toBeLessThanOrEqual(Math.max(...column))
        }
      }
    }
    // The median of an even count is the mean of its middle two.
    expect([...aggregate('median', of([1], [2], [3], [10]))]).toEqual([2.5])
  })

  it('falls back to the mean under three results', () => {
    expect([...aggregate('median', of([1], [3]))]).toEqual([2])
  })
})
