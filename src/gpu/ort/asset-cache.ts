/**
 * Large immutable site assets (ONNX Runtime's wasm) kept in Cache Storage: the HTTP cache may evict
 * a 27 MB entry at any time, Cache Storage keeps it until the site or the user removes it. Entries
 * are keyed by the asset's hashed URL; older versions of the same file are dropped when a new one
 * is stored.
 */
const CACHE = 'tessera-assets-v1'

export async function cachedAsset(url: string): Promise<Uint8Array> {
  const cache = await openCache()
  const hit = await cache?.match(url)
  if (hit != null) return new Uint8Array(await hit.arrayBuffer())
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  if (cache != null) {
    await cache.put(url, response.clone()).catch(() => {}) // quota: serve it anyway
    await dropOlderVersions(cache, url)
  }
  return new Uint8Array(await response.arrayBuffer())
}

/** Cache Storage is missing outside secure contexts (plain http on a LAN address). */
async function openCache(): Promise<Cache | undefined> {
  try {
    return globalThis.caches == null ? undefined : await caches.open(CACHE)
  } catch {
    return undefined
  }
}

/** `name-<hash>.ext`: entries of the same name with another hash are stale builds. */
async function dropOlderVersions(cache: Cache, url: string): Promise<void> {
  const stem = (u: string) => new URL(u).pathname.replace(/-[A-Za-z0-9_-]{6,}(\.[a-z0-9]+)$/, '$1')
  for (const request of await cache.keys()) {
    if (request.url !== url && stem(request.url) === stem(url)) await cache.delete(request)
  }
}
