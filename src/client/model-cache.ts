/**
 * Models kept in the browser's Cache Storage by sha256, so a reload does not download them again.
 * Least recently used models are evicted when the storage quota (or the configured budget) is hit,
 * and the caller is told which, so the page can say so. Bytes are re-hashed when read back.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { hex } from '../p2p/blob-protocol.ts'

const CACHE_NAME = 'tessera-models'
const USAGE_KEY = 'tessera.model-usage'

export interface CachedModel {
  sha256: string
  size: number
  usedAt: number
}

export interface ModelCache {
  get(sha256Hex: string): Promise<Uint8Array | undefined>
  /** Stores a verified model; returns the models evicted to make room. */
  put(sha256Hex: string, bytes: Uint8Array): Promise<string[]>
  list(): Promise<CachedModel[]>
}

export interface ModelCacheOptions {
  /** Keep at most this many bytes of models, below whatever the browser's quota allows. */
  maxBytes?: number
  cacheName?: string
}

function isQuotaError(err: unknown): boolean {
  return err instanceof DOMException && (err.name === 'QuotaExceededError' || err.code === 22)
}

export function createModelCache(options: ModelCacheOptions = {}): ModelCache {
  const name = options.cacheName ?? CACHE_NAME
  const url = (sha: string) => new URL(`/tessera-models/${sha}`, location.origin).href
  const usage = (): Record<string, CachedModel> =>
    JSON.parse(localStorage.getItem(`${USAGE_KEY}.${name}`) ?? '{}')
  const saveUsage = (u: Record<string, CachedModel>) =>
    localStorage.setItem(`${USAGE_KEY}.${name}`, JSON.stringify(u))

  async function evictOldest(cache: Cache, keep: string): Promise<string | undefined> {
    const u = usage()
    const oldest = Object.values(u)
      .filter((m) => m.sha256 !== keep)
      .sort((a, b) => a.usedAt - b.usedAt)[0]
    if (oldest == null) return undefined
    await cache.delete(url(oldest.sha256))
    delete u[oldest.sha256]
    saveUsage(u)
    return oldest.sha256
  }

  return {
    async get(sha) {
      const cache = await caches.open(name)
      const res = await cache.match(url(sha))
      if (res == null) return undefined
      const bytes = new Uint8Array(await res.arrayBuffer())
      if (hex(sha256(bytes)) !== sha) {
        // Corrupted on disk: drop it and let the caller download again.
        await cache.delete(url(sha))
        return undefined
      }
      const u = usage()
      u[sha] = { sha256: sha, size: bytes.byteLength, usedAt: Date.now() }
      saveUsage(u)
      return bytes
    },
    async put(sha, bytes) {
      const cache = await caches.open(name)
      const evicted: string[] = []
      const total = () => Object.values(usage()).reduce((s, m) => s + (m.sha256 === sha ? 0 : m.size), 0)
      while (options.maxBytes != null && total() + bytes.byteLength > options.maxBytes) {
        const gone = await evictOldest(cache, sha)
        if (gone == null) break
        evicted.push(gone)
      }
      for (;;) {
        try {
          await cache.put(
            url(sha),
            new Response(bytes as Uint8Array<ArrayBuffer>, {
              headers: { 'content-type': 'application/octet-stream' },
            }),
          )
          break
        } catch (err) {
          if (!isQuotaError(err)) throw err
          const gone = await evictOldest(cache, sha)
          if (gone == null) throw err
          evicted.push(gone)
        }
      }
      const u = usage()
      u[sha] = { sha256: sha, size: bytes.byteLength, usedAt: Date.now() }
      saveUsage(u)
      return evicted
    },
    list: async () => Object.values(usage()).sort((a, b) => b.usedAt - a.usedAt),
  }
}
