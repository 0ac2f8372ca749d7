/**
 * Runs `fn` now, or once `gapMs` after its last run when asked again sooner: a burst of calls (a
 * thousand peers subscribing at once) costs one run per gap, and none is lost.
 */
export interface Throttled {
  call(): void
  cancel(): void
}

export function throttle(fn: () => void, gapMs: number, now: () => number = Date.now): Throttled {
  let last = Number.NEGATIVE_INFINITY
  let pending: ReturnType<typeof setTimeout> | undefined
  const run = () => {
    last = now()
    fn()
  }
  return {
    call() {
      const wait = last + gapMs - now()
      if (wait <= 0) return run()
      pending ??= setTimeout(() => {
        pending = undefined
        run()
      }, wait)
    },
    cancel: () => clearTimeout(pending),
  }
}
