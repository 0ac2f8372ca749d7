/**
 * Blobs (models, weight matrices) for the page's shards: from the browser's cache when it has them,
 * else downloaded once — over HTTP from the offer's mirrors or the validator's server, else from the
 * validator over libp2p (sha256-checked, with progress) — and cached for the next visit.
 */
import type { PeerId } from '@libp2p/interface'
import type { TesseraNode } from '../p2p/node-server.ts'
import { createBlobMemo } from './blob-memo.ts'
import { type BlobFetcher, type BlobFetchOptions, downloadBlob } from './contributor.ts'
import type { ModelCache } from './model-cache.ts'

export type BlobEvent =
  | { type: 'download'; sha256: string; received: number; total: number }
  | { type: 'cached'; sha256: string; evicted: string[] }

/**
 * What the page keeps of blobs the compute worker keeps too: a shard's inputs are fetched before its
 * device turn and asked for again by the worker, so they must still be here then — a full-width
 * tile of the default layer names all 64 MiB of its weights panels besides its row blocks, and the
 * lanes prefetch up to three shards. (Panels dropped are read back from Cache Storage; row blocks,
 * kept in memory only, would be downloaded again.)
 */
export const PAGE_MEMO_BYTES = 160 * 2 ** 20

export function createCachedBlobFetcher(options: {
  node: TesseraNode
  cache: ModelCache
  onBlob?: (event: BlobEvent) => void
  /** Bytes kept in memory here (PAGE_MEMO_BYTES where a compute worker keeps them as well). */
  memoBytes?: number
}): BlobFetcher {
  const { node, cache } = options
  const memo = createBlobMemo(options.memoBytes)
  const load = async (sha256: string, from: PeerId, o: BlobFetchOptions = {}) => {
    const persist = o.persist ?? true
    const cached = persist ? await cache.get(sha256) : undefined
    if (cached != null) return cached
    const bytes = await downloadBlob(node, sha256, from, {
      ...o,
      onProgress: (p) => options.onBlob?.({ type: 'download', sha256, ...p }),
    })
    // Short-lived blobs (a training run's versions) would evict the models worth keeping.
    if (!persist) return bytes
    const evicted = await cache.put(sha256, bytes)
    options.onBlob?.({ type: 'cached', sha256, evicted })
    return bytes
  }
  return (sha256, from, o) => memo.get(sha256, () => load(sha256, from, o))
}
