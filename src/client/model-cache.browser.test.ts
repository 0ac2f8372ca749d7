import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { hex } from '../p2p/blob-protocol.ts'
import { createModelCache } from './model-cache.ts'

function model(size: number, fill: number): [string, Uint8Array] {
  const bytes = new Uint8Array(size).fill(fill)
  return [hex(sha256(bytes)), bytes]
}

describe('model cache (Cache Storage)', () => {
  it('gives back what was stored, as long as it still hashes right', async () => {
    const cache = createModelCache({ cacheName: `test-${crypto.randomUUID()}` })
    const [sha, bytes] = model(1000, 1)
    expect(await cache.get(sha)).toBeUndefined()
    expect(await cache.put(sha, bytes)).toEqual([])
    expect(await cache.get(sha)).toEqual(bytes)
  })

  it('evicts the least recently used models to stay within its budget, and says which', async () => {
    const cache = createModelCache({ cacheName: `test-${crypto.randomUUID()}`, maxBytes: 2500 })
    const [a, ab] = model(1000, 1)
    const [b, bb] = model(1000, 2)
    const [c, cb] = model(1000, 3)
    await cache.put(a, ab)
    await new Promise((r) => setTimeout(r, 5))
    await cache.put(b, bb)
    await new Promise((r) => setTimeout(r, 5))
    await cache.get(a) // a is now more recent than b
    expect(await cache.put(c, cb)).toEqual([b])
    expect(await cache.get(b)).toBeUndefined()
    expect((await cache.list()).map((m) => m.sha256).sort()).toEqual([a, c].sort())
  })

  it('drops an entry whose bytes no longer match its hash', async () => {
    const name = `test-${crypto.randomUUID()}`
    const cache = createModelCache({ cacheName: name })
    const [sha, bytes] = model(100, 5)
    await cache.put(sha, bytes)
    const raw = await caches.open(name)
    await raw.put(new URL(`/tessera-models/${sha}`, location.origin).href, new Response(new Uint8Array(100)))
    expect(await cache.get(sha)).toBeUndefined()
  })
})
