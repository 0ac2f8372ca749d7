/**
 * Who is refused. A result that fails verification (its values are not what the kind computes) is
 * cheating caught: the contributor forfeits the epoch's credit at once and is refused leases and
 * results for the rest of it. A result with the wrong shape or NaN is a strike: it makes the
 * contributor a suspect (everything it hands in is checked in full), and at `strikeLimit` strikes in
 * an epoch it is refused and its credit voided too. Counts are kept in memory per epoch and seeded
 * from the ledger.
 */
import type { EpochClock } from './epochs.ts'
import type { ReceiptStore, RejectionRecord } from './ledger/index.ts'

/** Rejection reasons that count against a contributor. */
export const STRIKE_REASONS = ['verification-failed', 'wrong-shape', 'non-finite'] as const
/** The reason that means a contributor handed in wrong values: caught once, its epoch is lost. */
export const CAUGHT_REASON = 'verification-failed'
/** What a refused contributor is told. */
export const REFUSED_MESSAGE = 'caught handing in wrong results, or too many failed verifications, this epoch'

export interface StrikesOptions {
  receipts: ReceiptStore
  epochs: EpochClock
  strikeLimit: number
  log?: (message: string) => void
  /** A contributor was caught handing in wrong values (called once per epoch): what rests on its word is taken back. */
  onCaught?: (peer: string) => Promise<unknown>
}

export interface Strikes {
  banned(peer: string): Promise<boolean>
  suspect(peer: string): Promise<boolean>
  /** Records a rejection; a caught cheat, or a strike at the limit, voids the peer's epoch. */
  record(rejection: Omit<RejectionRecord, 'epoch' | 'at'>): Promise<void>
}

interface Standing {
  strikes: number
  caught: boolean
}

/** Peers remembered per epoch; clean ones are forgotten first beyond it (peer ids are free). */
const MAX_TRACKED = 100_000

export function createStrikes(options: StrikesOptions): Strikes {
  const { receipts, epochs, strikeLimit } = options
  let epoch = -1
  let records = new Map<string, Standing>()

  const recordOf = async (peer: string): Promise<Standing> => {
    const current = epochs.current()
    if (current !== epoch) {
      epoch = current
      records = new Map()
    }
    let r = records.get(peer)
    if (r == null) {
      const [strikes, caught] = await Promise.all([
        receipts.rejectionsInEpoch(peer, current, STRIKE_REASONS),
        receipts.rejectionsInEpoch(peer, current, [CAUGHT_REASON]),
      ])
      r = { strikes, caught: caught > 0 }
      records.set(peer, r)
      if (records.size > MAX_TRACKED) {
        for (const [k, v] of records) if (v.strikes === 0) records.delete(k)
      }
    }
    return r
  }
  const refused = (r: Standing) => r.caught || r.strikes >= strikeLimit

  return {
    banned: async (peer) => refused(await recordOf(peer)),
    suspect: async (peer) => (await recordOf(peer)).strikes > 0,
    async record(rejection) {
      const current = epochs.current()
      await receipts.reject({ ...rejection, epoch: current, at: Date.now() })
      if (!(STRIKE_REASONS as readonly string[]).includes(rejection.reason)) return
      const r = await recordOf(rejection.contributor)
      r.strikes++
      if (rejection.reason === CAUGHT_REASON && !r.caught) {
        r.caught = true
        await options.onCaught?.(rejection.contributor).catch((err: Error) => {
          options.log?.(`taking back what rests on ${rejection.contributor}'s word failed: ${err.message}`)
        })
      }
      if (!refused(r)) return
      // Idempotent: a later strike also voids a receipt credited while this result was being verified.
      const voided = await receipts.forfeit(rejection.contributor, current)
      const why = r.caught ? 'caught handing in wrong results' : `${r.strikes} strikes`
      options.log?.(
        `refused ${rejection.contributor} for epoch ${current} (${why}), voided ${voided} receipts`,
      )
    },
  }
}
