import { describe, expect, it, vi } from 'vitest'
import { throttle } from './throttle.ts'

describe('throttle', () => {
  it('runs a burst of calls once now and once a gap later, never more', () => {
    vi.useFakeTimers()
    try {
      let runs = 0
      const t = throttle(() => runs++, 1000)
      for (let i = 0; i < 1000; i++) t.call()
      expect(runs).toBe(1)
      vi.advanceTimersByTime(999)
      expect(runs).toBe(1)
      vi.advanceTimersByTime(1)
      expect(runs).toBe(2)
      vi.advanceTimersByTime(5000)
      expect(runs).toBe(2)
      t.call()
      expect(runs).toBe(3)
      t.call()
      t.cancel()
      vi.advanceTimersByTime(5000)
      expect(runs).toBe(3)
    } finally {
      vi.useRealTimers()
    }
  })
})
