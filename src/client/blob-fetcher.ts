/**
 * Blobs (models, weight matrices) for the page's shards: from the browser's cache when it has them,
 * else downloaded once from the validator that granted the shard (resumable, sha256-checked, with
 * progress) and cached for the next visit.
 */
import type { PeerId } from '@libp2p/interface'
import { createBlobDownload } from '../p2p/blob-protocol.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { createBlobMemo } from './blob-memo.ts'
import type { BlobFetcher } from './contributor.ts'
import type { ModelCache } from './model-cache.ts'

export type BlobEvent =
  | { type: 'download'; sha256: string; received: number; total: number }
  | { type: 'cached'; sha256: string; evicted: string[] }

export function createCachedBlobFetcher(options: {
  node: TesseraNode
  cache: ModelCache
  onBlob?: (event: BlobEvent) => void
}): BlobFetcher {
  const { node, cache } = options
  const memo = createBlobMemo()
  const load = async (sha256: string, from: PeerId) => {
    const cached = await cache.get(sha256)
    if (cached != null) return cached
    const bytes = await createBlobDownload(node, from, sha256).run({
      onProgress: (p) => options.onBlob?.({ type: 'download', sha256, ...p }),
    })
    const evicted = await cache.put(sha256, bytes)
    options.onBlob?.({ type: 'cached', sha256, evicted })
    return bytes
  }
  return (sha256, from) => memo.get(sha256, () => load(sha256, from))
}
