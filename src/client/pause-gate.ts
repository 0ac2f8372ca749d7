/**
 * Paused: lanes take no new lease until resumed (a shard already granted is finished and handed in).
 * For a hidden tab or a laptop on battery.
 */
export interface PauseGate {
  readonly paused: boolean
  set(paused: boolean): void
  /** Resolves once not paused, or when `signal` aborts. */
  passed(signal: AbortSignal): Promise<void>
}

export function createPauseGate(): PauseGate {
  let paused = false
  const waiting = new Set<() => void>()
  return {
    get paused() {
      return paused
    },
    set(value) {
      paused = value
      if (paused) return
      for (const resume of waiting) resume()
      waiting.clear()
    },
    async passed(signal) {
      while (paused && !signal.aborted) {
        await new Promise<void>((resolve) => {
          waiting.add(resolve)
          signal.addEventListener('abort', () => resolve(), { once: true })
        })
      }
    },
  }
}
