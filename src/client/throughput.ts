/**
 * How fast this contributor runs each kind (what it tells the validator, so shards are sized to it)
 * and how fast verified work is delivered (what the page shows beside the device's rate).
 */

/** Weight of the newest shard in the running estimate: a few shards settle it, one outlier does not. */
const ALPHA = 0.3
/** Window of the delivered rate. */
const DELIVERED_WINDOW_MS = 20_000

export interface Throughput {
  /** FLOP/s of the device on this kind, from recent shards; `fallback` before the first. */
  flopsPerSecond(kind: string, fallback?: number): number
  /** A shard of `flops` took `ms` of device time. */
  computed(kind: string, flops: number, ms: number): void
  /** A shard's result was accepted with this declared cost. */
  delivered(flops: number): void
  /** Verified FLOP/s over the last window of wall time. */
  deliveredPerSecond(): number
  /** Device FLOP/s over recent shards of every kind. */
  devicePerSecond(): number
}

export function createThroughput(now: () => number = () => performance.now()): Throughput {
  const perKind = new Map<string, number>()
  const recent: Array<{ flops: number; ms: number }> = []
  const accepted: Array<{ at: number; flops: number }> = []
  let since: number | undefined

  return {
    flopsPerSecond: (kind, fallback = 0) => perKind.get(kind) ?? fallback,
    computed(kind, flops, ms) {
      const rate = (flops / Math.max(ms, 0.1)) * 1000
      const old = perKind.get(kind)
      perKind.set(kind, old == null ? rate : old + ALPHA * (rate - old))
      recent.push({ flops, ms })
      if (recent.length > 16) recent.shift()
    },
    delivered(flops) {
      const at = now()
      since ??= at
      accepted.push({ at, flops })
      while (accepted.length > 0 && accepted[0].at < at - DELIVERED_WINDOW_MS) accepted.shift()
    },
    deliveredPerSecond() {
      const at = now()
      while (accepted.length > 0 && accepted[0].at < at - DELIVERED_WINDOW_MS) accepted.shift()
      if (since == null || accepted.length === 0) return 0
      const span = Math.min(DELIVERED_WINDOW_MS, at - since)
      return span > 0 ? (accepted.reduce((s, a) => s + a.flops, 0) / span) * 1000 : 0
    },
    devicePerSecond() {
      const ms = recent.reduce((s, r) => s + r.ms, 0)
      return ms > 0 ? (recent.reduce((s, r) => s + r.flops, 0) / ms) * 1000 : 0
    },
  }
}
