import { describe, expect, it } from 'vitest'
import { projectEpoch } from './projection.ts'

const base = { pool: 1, now: 0, endsAt: 60_000 }

describe('what an epoch will pay', () => {
  it('a sole contributor is projected the whole pool, never more, however little credit there is yet', () => {
    const p = projectEpoch({ ...base, mine: 0.01, myRate: 2, epochCredit: 0.01, creditRate: 2 })
    expect(p.tao).toBeCloseTo(1, 9)
    // The bug this replaces: 1 TAO / 0.01 GFLOP × 2 GFLOP/s × 3600 s = 720,000 TAO "per hour".
    expect(projectEpoch({ ...base, mine: 0.01, myRate: 2, epochCredit: 0.01 }).tao).toBeLessThanOrEqual(1)
  })

  it('splits by what each will have verified at the end, at today’s rates', () => {
    // Half the epoch gone: 30 GFLOP of 90 so far are mine; I add 1 GFLOP/s of the 2 everyone adds.
    const p = projectEpoch({ ...base, now: 30_000, mine: 30, myRate: 1, epochCredit: 90, creditRate: 2 })
    expect(p.share).toBeCloseTo(60 / 150, 9)
    expect(p.tao).toBeCloseTo(0.4, 9)
  })

  it('after the end, the share of what was verified', () => {
    expect(
      projectEpoch({ ...base, now: 90_000, mine: 25, myRate: 5, epochCredit: 100, creditRate: 9 }).share,
    ).toBe(0.25)
  })
})
