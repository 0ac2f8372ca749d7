/**
 * Bytes per second per peer, as a token bucket: a peer may take `burstBytes` at once (a first visit's
 * weights), then `bytesPerSecond`. The server waits out the deficit before answering, so a greedy
 * peer is slowed rather than refused, and honest downloads never notice.
 */
export interface ByteRateOptions {
  bytesPerSecond: number
  burstBytes: number
  now?: () => number
}

export interface ByteRate {
  /** Takes `bytes` from the peer's bucket; how long to wait (ms) before sending them. */
  take(peer: string, bytes: number): number
}

/** Peers remembered at once; the least recently seen are forgotten (their buckets start full). */
const MAX_PEERS = 10_000

export function createByteRate({ bytesPerSecond, burstBytes, now = Date.now }: ByteRateOptions): ByteRate {
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    take(peer, bytes) {
      const at = now()
      const bucket = buckets.get(peer) ?? { tokens: burstBytes, at }
      buckets.delete(peer)
      bucket.tokens = Math.min(burstBytes, bucket.tokens + ((at - bucket.at) * bytesPerSecond) / 1000)
      bucket.at = at
      bucket.tokens -= bytes
      buckets.set(peer, bucket)
      if (buckets.size > MAX_PEERS) buckets.delete(buckets.keys().next().value!)
      return bucket.tokens >= 0 ? 0 : (-bucket.tokens * 1000) / bytesPerSecond
    },
  }
}
