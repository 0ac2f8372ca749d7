/**
 * How a job shard's result is verified before its records reach a results file (docs/JOBS.md,
 * "How results are verified"): adaptive replication, as BOINC does it. A contributor without a long,
 * clean record has every job result recomputed by the validator; once `trustItems` of its records
 * were recomputed and found right, a secret `checkRate` of its results still are, and the rest are
 * taken on its word (`adaptive`). Caught once, it is never trusted again, and the jobs take back
 * every record that rests on its word alone (job-work.ts). A job submitted with `verify: recompute`
 * has every result recomputed whoever computed it.
 *
 * Peer ids are free: the record is kept per peer id, so a fresh id starts over as a newcomer, and
 * memory is bounded by forgetting the shortest records first.
 */
import { secretRandom } from '../../work/sampling.ts'
import type { VerifiedBy } from '../ledger/types.ts'

/** Defaults, derived in docs/JOBS.md: cost 1 + CHECK_RATE for established contributors, 1/(e·rate) shards at most leaked per patient identity. */
export const ASSURANCE_DEFAULTS = { trustItems: 200, checkRate: 0.2 }

export type JobVerification = Extract<VerifiedBy, 'recompute' | 'adaptive'>

export interface AssuranceOptions {
  trustItems?: number
  checkRate?: number
  /** The secret draw; tests may pass their own. */
  random?: () => number
}

const MAX_TRACKED = 100_000

export function createAssurance(options: AssuranceOptions = {}) {
  const trustItems = options.trustItems ?? ASSURANCE_DEFAULTS.trustItems
  const checkRate = options.checkRate ?? ASSURANCE_DEFAULTS.checkRate
  const random = options.random ?? secretRandom
  /** Records of each peer recomputed and found right (never reset but by being caught). */
  const clean = new Map<string, number>()
  const caught = new Set<string>()

  return {
    trusted: (peer: string) => !caught.has(peer) && (clean.get(peer) ?? 0) >= trustItems,
    isCaught: (peer: string) => caught.has(peer),
    /** How the next result of `peer` is verified. */
    plan(peer: string, forceRecompute: boolean): JobVerification {
      if (forceRecompute || caught.has(peer) || (clean.get(peer) ?? 0) < trustItems) return 'recompute'
      return random() < checkRate ? 'recompute' : 'adaptive'
    },
    /** `items` records of `peer` were recomputed and found right. */
    passed(peer: string, items: number): void {
      if (caught.has(peer)) return
      clean.set(peer, (clean.get(peer) ?? 0) + items)
      if (clean.size > MAX_TRACKED) {
        const shortest = [...clean].sort((a, b) => a[1] - b[1]).slice(0, MAX_TRACKED / 10)
        for (const [k] of shortest) clean.delete(k)
      }
    },
    /** Marks `peer` caught; true the first time. */
    catch(peer: string): boolean {
      clean.delete(peer)
      if (caught.has(peer)) return false
      if (caught.size >= MAX_TRACKED) caught.delete(caught.values().next().value!)
      caught.add(peer)
      return true
    },
  }
}

export type Assurance = ReturnType<typeof createAssurance>
