/**
 * Where the next shard goes: the offer whose expected reward per second on this contributor's
 * hardware and link is highest, i.e. what it can deliver of the kind — min(device FLOP/s, uplink ×
 * FLOPs per uploaded byte, downlink × FLOPs per downloaded byte), link.ts — × the rate it pays (TAO
 * per GFLOP of credit: the validator's, from its directory announcement, plus a requester's job
 * reward on that job's offer, its `rate` note) × the validator's recent acceptance of this
 * contributor's work × the trust it has kept. A fraction of picks explores the others (so every kind
 * gets measured and a validator's changed rate is noticed); validators below LEFT_BELOW get nothing.
 */
import { median } from '../p2p/directory.ts'
import type { WorkOffer } from '../protocol/types.ts'
import { deliverableFlops, type Intensity } from './link.ts'
import { LEFT_BELOW, type Trust } from './trust.ts'

export interface ChoiceOptions {
  /** This contributor's device FLOP/s for a kind (0 when never measured). */
  throughput(kind: string): number
  /** Its measured link, bytes per second each way (0: not measured); unbounded when omitted. */
  link?: () => { uplink: number; downlink: number }
  /** FLOPs per byte a kind moves each way, as measured; a side not measured does not bound. */
  intensity?: (kind: string) => Intensity
  /** TAO per GFLOP of the validator's work this epoch; undefined when it never announced one. */
  rate(validator: string): number | undefined
  trust: Trust
  /** Fraction of picks that explore; 0.2 unless a test sets it. */
  explore?: number
  random?: () => number
}

export interface Choice {
  choose(offers: WorkOffer[]): WorkOffer | undefined
  /** Expected TAO per second of each offer, as `choose` ranks them (for the page's market panel). */
  value(offer: WorkOffer): number
}

/** A job offer's own rate is the validator's word like its announced rate; capped so one note cannot blind the market. */
const MAX_JOB_RATE = 1000

/** TAO per GFLOP a job pays on top of the pool (its offer's `rate` note); 0 for other offers. */
export function jobRate(offer: WorkOffer): number {
  const rate = Number(offer.notes.rate)
  return Number.isFinite(rate) && rate > 0 ? Math.min(rate, MAX_JOB_RATE) : 0
}

export function createChoice(options: ChoiceOptions): Choice {
  const explore = options.explore ?? 0.2
  const random = options.random ?? Math.random
  const rate = (validator: string, known: number[]) =>
    options.rate(validator) ?? (known.length > 0 ? median(known) : 1)
  const deliverable = (kind: string) =>
    options.link == null || options.intensity == null
      ? options.throughput(kind)
      : deliverableFlops(options.throughput(kind), options.link(), options.intensity(kind))
  const valueWith = (offer: WorkOffer, known: number[]) =>
    (deliverable(offer.kind) / 1e9) *
    (rate(offer.validator, known) + jobRate(offer)) *
    options.trust.acceptance(offer.validator) *
    options.trust.score(offer.validator)
  const knownRates = (offers: WorkOffer[]) => offers.flatMap((o) => options.rate(o.validator) ?? [])

  return {
    value: (offer) => valueWith(offer, []),
    choose(offers) {
      if (offers.length === 0) return undefined
      const trusted = offers.filter((o) => options.trust.score(o.validator) >= LEFT_BELOW)
      // Every validator left: better to keep working for the least bad than to stop.
      const pool = trusted.length > 0 ? trusted : offers
      if (random() < explore) return pool[Math.floor(random() * pool.length)]
      const known = knownRates(pool)
      let best: WorkOffer[] = []
      let bestValue = -1
      for (const offer of pool) {
        const value = valueWith(offer, known)
        if (value > bestValue) [best, bestValue] = [[offer], value]
        else if (value === bestValue) best.push(offer)
      }
      return best[Math.floor(random() * best.length)]
    },
  }
}
