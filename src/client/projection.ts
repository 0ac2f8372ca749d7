/**
 * What a visitor can expect from an epoch: its projected share of the epoch's pool if the work goes
 * on at the current rates until the epoch ends, never more than the pool. (A rate of TAO per GFLOP
 * times this device's speed, extrapolated to an hour, says nothing a person can use: a pool of 1 TAO
 * split among little credit early in an epoch reads as hundreds of TAO an hour.)
 */
export interface EpochProjectionInput {
  /** What the epoch pays in all (TAO). */
  pool: number
  /** This browser's credit in the epoch so far (GFLOP), and the credit it is adding per second now. */
  mine: number
  myRate: number
  /** The epoch's credit so far (all contributors), and how fast it grows (undefined: not known yet). */
  epochCredit: number
  creditRate?: number
  now: number
  endsAt: number
}

export interface EpochProjection {
  /** TAO this browser would be paid for the epoch, claimed: at most the pool. */
  tao: number
  /** Its share of the epoch's credit at the end, in [0, 1]. */
  share: number
}

export function projectEpoch(p: EpochProjectionInput): EpochProjection {
  const left = Math.max(0, (p.endsAt - p.now) / 1000)
  const mine = Math.max(0, p.mine) + Math.max(0, p.myRate) * left
  // Everyone's rate includes this browser's: with no figure yet, assume nobody else adds any.
  const rate = Math.max(p.creditRate ?? 0, Math.max(0, p.myRate))
  const total = Math.max(p.epochCredit + rate * left, mine)
  const share = total > 0 ? mine / total : 0
  return { tao: p.pool * share, share }
}
