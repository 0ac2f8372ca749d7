/**
 * How far this contributor trusts each validator, from what happened when it worked for it: a
 * validator that refuses leases, times out or rejects work (this contributor's results are its
 * honest best) loses trust; accepted work restores it, and time forgives (trust drifts back to full
 * with a half-life). Local to this contributor: nothing here is shared or signed.
 */
export interface Trust {
  accepted(validator: string): void
  /** The validator rejected a result this contributor computed. */
  rejected(validator: string): void
  /** It refused a lease (busy, allowance spent): a small loss. */
  refused(validator: string): void
  /** A request to it failed or timed out. */
  failed(validator: string): void
  /** It refuses this contributor for the rest of its epoch (it judged a result wrong): left at once. */
  banned(validator: string): void
  /** In (0, 1]: 1 is full trust. */
  score(validator: string): number
  /** Recent fraction of results it accepted (1 until one was rejected). */
  acceptance(validator: string): number
  snapshot(): Record<string, { score: number; acceptance: number }>
}

/** Below this a validator is left (no work goes to it) until time has restored its trust. */
export const LEFT_BELOW = 0.2

export function createTrust(options: { halfLifeMs?: number; now?: () => number } = {}): Trust {
  const halfLife = options.halfLifeMs ?? 5 * 60_000
  const now = options.now ?? Date.now
  // One entry per validator that leased to this contributor: bounded by the validators it meets.
  const state = new Map<string, { score: number; at: number; acceptance: number }>()
  const get = (v: string) => {
    const s = state.get(v) ?? { score: 1, at: now(), acceptance: 1 }
    const t = now()
    s.score = 1 - (1 - s.score) * 0.5 ** ((t - s.at) / halfLife)
    s.at = t
    state.set(v, s)
    return s
  }
  return {
    accepted(v) {
      const s = get(v)
      s.score += (1 - s.score) * 0.1
      s.acceptance = 0.8 * s.acceptance + 0.2
    },
    rejected(v) {
      const s = get(v)
      s.score *= 0.5
      s.acceptance *= 0.8
    },
    refused(v) {
      get(v).score *= 0.9
    },
    failed(v) {
      get(v).score *= 0.7
    },
    banned(v) {
      const s = get(v)
      s.score = Math.min(s.score, LEFT_BELOW / 2)
    },
    score: (v) => get(v).score,
    acceptance: (v) => get(v).acceptance,
    snapshot: () =>
      Object.fromEntries(
        [...state.keys()].map((v) => [v, { score: get(v).score, acceptance: get(v).acceptance }]),
      ),
  }
}
