/**
 * Counts a node's gossipsub traffic (RPCs, messages and bytes, each way) for benchmarks: gossipsub
 * reports every RPC to its metrics object, so one that counts those two calls and ignores the
 * rest is installed in its place.
 */
import type { GossipSub } from '@libp2p/gossipsub'

export interface GossipCounts {
  rpcsIn: number
  bytesIn: number
  messagesIn: number
  rpcsOut: number
  bytesOut: number
  messagesOut: number
}

interface Rpc {
  messages?: unknown[]
}

export function countGossip(pubsub: GossipSub): GossipCounts {
  const counts: GossipCounts = {
    rpcsIn: 0,
    bytesIn: 0,
    messagesIn: 0,
    rpcsOut: 0,
    bytesOut: 0,
    messagesOut: 0,
  }
  // Anything else gossipsub asks its metrics for: a callable that returns itself.
  const ignore: unknown = new Proxy(() => {}, { get: () => ignore, apply: () => ignore })
  const counting = {
    onRpcRecv(rpc: Rpc, bytes: number) {
      counts.rpcsIn++
      counts.bytesIn += bytes
      counts.messagesIn += rpc.messages?.length ?? 0
    },
    onRpcSent(rpc: Rpc, bytes: number) {
      counts.rpcsOut++
      counts.bytesOut += bytes
      counts.messagesOut += rpc.messages?.length ?? 0
    },
  }
  ;(pubsub as unknown as { metrics: unknown }).metrics = new Proxy(counting, {
    get: (target, key) => (target as Record<string | symbol, unknown>)[key] ?? ignore,
  })
  return counts
}
