/**
 * The audit: which results are recomputed in full whatever a kind's own sampling says. Every
 * contributor's results of an epoch are sampled by reservoir: its n-th result is audited with
 * probability min(1, samples / n), so its first `samples` results always are, and at any time the
 * audited ones include a uniform random sample of `samples` of its results that the contributor
 * cannot predict. One failed audit forfeits the contributor's epoch, and at settlement the epoch of
 * every payout address it claimed to (settlement.ts). docs/RELIABILITY.md derives why this makes
 * cheating pay less than honest work for any mix of honest and fake results: with k samples, the
 * expected payout per unit of real work is at most (1 − x)^(k − 1) of an honest contributor's,
 * where x is the fraction of fake results.
 *
 * Decided at credit time, not at settlement: a recomputation needs the shard's inputs, and a
 * training version or a redundancy group's copies are gone long before the epoch settles, while
 * keeping every unconfirmed result's payload until then would hold unbounded bytes for free ids.
 * Reservoir sampling gives the same guarantee as sampling at settlement, at a cost of about
 * k · (1 + ln(n / k)) recomputations per contributor and epoch.
 */

export interface AuditOptions {
  /** k: results of each contributor and epoch that the audit's sample holds. */
  samples: number
  random?: () => number
}

export interface AuditStats {
  /** Results the audit saw, and how many it sent to recomputation. */
  results: number
  audited: number
}

export interface Audit {
  /** Whether this result of `peer` in `epoch` is recomputed in full. */
  pick(peer: string, epoch: number): boolean
  stats(): AuditStats
}

/** Default k: cheating by a fraction x of results then pays at most (1 − x)³ of honest work. */
export const AUDIT_SAMPLES = 4

/** Contributors counted per epoch; beyond it the oldest start over (which only audits them more). */
const MAX_TRACKED = 100_000

export function createAudit(options: AuditOptions): Audit {
  const random = options.random ?? (() => crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32)
  let epochOf = -1
  let seen = new Map<string, number>()
  const stats: AuditStats = { results: 0, audited: 0 }
  return {
    pick(peer, epoch) {
      if (epoch !== epochOf) {
        epochOf = epoch
        seen = new Map()
      }
      const n = (seen.get(peer) ?? 0) + 1
      seen.delete(peer)
      seen.set(peer, n)
      if (seen.size > MAX_TRACKED) seen.delete(seen.keys().next().value!)
      stats.results++
      const audit = n <= options.samples || random() < options.samples / n
      if (audit) stats.audited++
      return audit
    },
    stats: () => ({ ...stats }),
  }
}
