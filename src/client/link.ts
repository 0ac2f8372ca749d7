/**
 * The contributor's link as its shards measure it: download and upload rates from the transfers it
 * makes (blobs and grants in, results out), and for each kind the bytes it moves per FLOP, first
 * shard and steady state apart. Bytes, not FLOPs, bound a visitor behind a home connection: the
 * market values an offer at what the device and the link together can deliver (choice.ts).
 */

/** Transfers smaller than this say more about latency than about the link: not sampled. */
export const MIN_SAMPLE_BYTES = 64 * 1024
/** Transfers shorter than this many least round trips are not sampled. */
const LATENCY_BOUND = 3
/** Weight of the newest transfer in the running rate. */
const ALPHA = 0.3

/** What one kind moved: FLOPs of the shards handed in, bytes downloaded for them and uploaded. */
export interface KindBytes {
  shards: number
  flops: number
  down: number
  up: number
  /** The kind's first shard alone (its models and panels come with it). */
  firstFlops: number
  firstDown: number
  firstUp: number
}

/** FLOPs per byte each way; undefined where nothing was measured yet. */
export interface Intensity {
  flopsPerByteDown?: number
  flopsPerByteUp?: number
}

export interface LinkMeter {
  /** A round trip that moved next to nothing (a lease) took `ms`: the least of them is the latency. */
  roundTrip(ms: number): void
  /** `bytes` arrived over the network in `ms`, request to last byte (a shard's blobs). */
  downloaded(bytes: number, ms: number): void
  /** `bytes` went out and were answered in `ms` (a result, less the validator's own time). */
  uploaded(bytes: number, ms: number): void
  /** Bytes per second each way; 0 until a large enough transfer was timed. */
  downlink(): number
  uplink(): number
  /** One shard of `kind` handed in: its FLOPs and the bytes it moved. */
  shard(kind: string, flops: number, down: number, up: number): void
  bytes(): Record<string, KindBytes>
  /** Steady-state intensity of a kind (past its first shard; the first when it is all there is). */
  intensity(kind: string): Intensity
}

export function createLinkMeter(): LinkMeter {
  let down = 0
  let up = 0
  let latency = Number.POSITIVE_INFINITY
  const kinds = new Map<string, KindBytes>()
  const rate = (old: number, bytes: number, ms: number) => {
    // A transfer that took no longer than a few round trips measured the latency, not the link
    // (on a long, fast path a blob is a request and a reply): no sample. Only a link slow for its
    // bytes, which is what bounds a kind, gives one.
    if (bytes < MIN_SAMPLE_BYTES || (Number.isFinite(latency) && ms < LATENCY_BOUND * latency)) return old
    // Less the least round trip seen (not a running mean: lease round trips queue behind bulk
    // transfers on a slow link, and subtracting those would make the link look faster than it is),
    // and never more than halved.
    const transfer = Math.max(ms - (Number.isFinite(latency) ? latency : 0), ms / 2, 1)
    const sample = (bytes / transfer) * 1000
    return old === 0 ? sample : old + ALPHA * (sample - old)
  }
  const per = (flops: number, bytes: number) => (flops > 0 && bytes > 0 ? flops / bytes : undefined)
  return {
    roundTrip(ms) {
      latency = Math.min(latency, ms)
    },
    downloaded(bytes, ms) {
      down = rate(down, bytes, ms)
    },
    uploaded(bytes, ms) {
      up = rate(up, bytes, ms)
    },
    downlink: () => down,
    uplink: () => up,
    shard(kind, flops, d, u) {
      let k = kinds.get(kind)
      if (k == null) {
        k = { shards: 0, flops: 0, down: 0, up: 0, firstFlops: flops, firstDown: d, firstUp: u }
        kinds.set(kind, k)
      }
      k.shards++
      k.flops += flops
      k.down += d
      k.up += u
    },
    bytes: () => Object.fromEntries([...kinds].map(([kind, k]) => [kind, { ...k }])),
    intensity(kind) {
      const k = kinds.get(kind)
      if (k == null) return {}
      const steady = k.shards > 1
      const flops = steady ? k.flops - k.firstFlops : k.flops
      return {
        flopsPerByteDown: per(flops, steady ? k.down - k.firstDown : k.down),
        flopsPerByteUp: per(flops, steady ? k.up - k.firstUp : k.up),
      }
    },
  }
}

/**
 * FLOP/s a contributor delivers on a kind: its device's rate, unless its link moves the kind's bytes
 * slower — min(device, uplink × FLOPs per uploaded byte, downlink × FLOPs per downloaded byte). An
 * unmeasured side does not bound.
 */
export function deliverableFlops(
  device: number,
  link: { uplink: number; downlink: number },
  intensity: Intensity,
): number {
  let bound = device
  if (link.uplink > 0 && intensity.flopsPerByteUp != null)
    bound = Math.min(bound, link.uplink * intensity.flopsPerByteUp)
  if (link.downlink > 0 && intensity.flopsPerByteDown != null)
    bound = Math.min(bound, link.downlink * intensity.flopsPerByteDown)
  return bound
}
