/**
 * Who is refused. A result that fails verification, has the wrong shape or holds NaN is a strike;
 * at `strikeLimit` strikes in an epoch a contributor is refused leases and results for the rest of
 * it and its credit for the epoch is voided. One strike makes a contributor a suspect: everything it
 * hands in is checked in full. Counts are kept in memory per epoch and seeded from the ledger.
 */
import type { EpochClock } from './epochs.ts'
import type { ReceiptStore, RejectionRecord } from './ledger/index.ts'

/** Rejection reasons that count against a contributor. */
export const STRIKE_REASONS = ['verification-failed', 'wrong-shape', 'non-finite'] as const

export interface StrikesOptions {
  receipts: ReceiptStore
  epochs: EpochClock
  strikeLimit: number
  log?: (message: string) => void
}

export interface Strikes {
  banned(peer: string): Promise<boolean>
  suspect(peer: string): Promise<boolean>
  /** Records a rejection; a strike at the limit voids the peer's epoch. */
  record(rejection: Omit<RejectionRecord, 'epoch' | 'at'>): Promise<void>
}

export function createStrikes(options: StrikesOptions): Strikes {
  const { receipts, epochs, strikeLimit } = options
  let epoch = -1
  let counts = new Map<string, number>()

  const count = async (peer: string): Promise<number> => {
    const current = epochs.current()
    if (current !== epoch) {
      epoch = current
      counts = new Map()
    }
    let n = counts.get(peer)
    if (n == null) {
      n = await receipts.rejectionsInEpoch(peer, current, STRIKE_REASONS)
      counts.set(peer, n)
      // Bounded: forget the clean ones first when the map grows past what one epoch needs.
      if (counts.size > 100_000) for (const [k, v] of counts) if (v === 0) counts.delete(k)
    }
    return n
  }

  return {
    banned: async (peer) => (await count(peer)) >= strikeLimit,
    suspect: async (peer) => (await count(peer)) > 0,
    async record(rejection) {
      const current = epochs.current()
      await receipts.reject({ ...rejection, epoch: current, at: Date.now() })
      if (!(STRIKE_REASONS as readonly string[]).includes(rejection.reason)) return
      const n = (await count(rejection.contributor)) + 1
      counts.set(rejection.contributor, n)
      if (n >= strikeLimit) {
        const voided = await receipts.forfeit(rejection.contributor, current)
        options.log?.(`banned ${rejection.contributor} for epoch ${current}, voided ${voided} receipts`)
      }
    },
  }
}
