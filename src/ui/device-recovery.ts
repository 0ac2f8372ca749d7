/**
 * How often the widget starts a session again by itself after the device was lost (a driver reset, a
 * GPU removed): up to MAX_RECOVERIES times within RECOVERY_WINDOW_MS, then it stays stopped and says
 * so, since a device that keeps failing should not be hammered behind the visitor's back.
 */
export const MAX_RECOVERIES = 3
export const RECOVERY_WINDOW_MS = 5 * 60_000

export class RecoveryBudget {
  #at: number[] = []
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** Start: the visitor's own press, a fresh budget. */
  reset(): void {
    this.#at = []
  }

  /** True, and counted, when one more recovery fits the window. */
  take(): boolean {
    const now = this.#now()
    this.#at = this.#at.filter((t) => now - t < RECOVERY_WINDOW_MS)
    if (this.#at.length >= MAX_RECOVERIES) return false
    this.#at.push(now)
    return true
  }
}
