import { describe, expect, it } from 'vitest'
import { MAX_RECOVERIES, RECOVERY_WINDOW_MS, RecoveryBudget } from './device-recovery.ts'

describe('the device recovery budget', () => {
  it(`allows ${MAX_RECOVERIES} recoveries in any window, then none until the oldest leaves it; Start resets it`, () => {
    let now = 0
    const budget = new RecoveryBudget(() => now)
    for (let i = 0; i < MAX_RECOVERIES; i++) {
      expect(budget.take()).toBe(true)
      now += 1000
    }
    expect(budget.take()).toBe(false)
    now = RECOVERY_WINDOW_MS + 1
    expect(budget.take()).toBe(true)
    expect(budget.take()).toBe(false)
    budget.reset()
    expect(budget.take()).toBe(true)
  })
})
