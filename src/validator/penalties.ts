/**
 * Peers that send malformed or oversized messages: each counts against the sender, and one that
 * sends `limit` within `windowMs` is cut off for `banMs` (its connections closed, new ones and new
 * streams refused). Peer ids are free, so this does not stop an attacker with many; it stops one
 * identity from costing the validator decoding work without end, and keeps such peers off the
 * connection table. Honest clients never send a malformed message.
 */
export interface PenaltyOptions {
  limit?: number
  windowMs?: number
  banMs?: number
  now?: () => number
  /** Called once per ban: close the peer's connections. */
  onBan?: (peer: string, reason: string) => void
}

export interface Penalties {
  record(peer: string, reason: string): void
  banned(peer: string): boolean
}

/** Peers tracked at once: the oldest are forgotten first, so memory stays bounded under id churn. */
const MAX_TRACKED = 100_000

export function createPenalties(options: PenaltyOptions = {}): Penalties {
  const { limit = 20, windowMs = 60_000, banMs = 10 * 60_000, now = Date.now } = options
  const peers = new Map<string, { times: number[]; bannedUntil: number }>()
  return {
    record(peer, reason) {
      const at = now()
      const entry = peers.get(peer) ?? { times: [], bannedUntil: 0 }
      peers.delete(peer) // re-inserted last: most recently seen
      entry.times = entry.times.filter((t) => t > at - windowMs)
      entry.times.push(at)
      if (entry.times.length >= limit && entry.bannedUntil <= at) {
        entry.bannedUntil = at + banMs
        entry.times = []
        options.onBan?.(peer, reason)
      }
      peers.set(peer, entry)
      if (peers.size > MAX_TRACKED) peers.delete(peers.keys().next().value!)
    },
    banned(peer) {
      return (peers.get(peer)?.bannedUntil ?? 0) > now()
    },
  }
}
