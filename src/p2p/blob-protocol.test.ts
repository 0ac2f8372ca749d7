import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memory } from '@libp2p/memory'
import { multiaddr } from '@multiformats/multiaddr'
import { sha256 } from '@noble/hashes/sha2.js'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { MAX_BLOB_CHUNK } from '../protocol/constants.ts'
import { createBlobStore } from '../validator/blob-store.ts'
import { type BlobSource, createBlobDownload, hex, serveBlobs } from './blob-protocol.ts'
import { type ByteRate, createByteRate } from './byte-rate.ts'
import { createServerNode, type TesseraNode } from './node-server.ts'

const dir = mkdtempSync(join(tmpdir(), 'tessera-blob-'))
const nodes: TesseraNode[] = []
afterEach(async () => {
  // Let yamux flush its window updates for the megabytes just received: stopping a node with one
  // still queued makes yamux write to a closed stream from a microtask (an uncaught StreamStateError).
  await new Promise((resolve) => setTimeout(resolve, 100))
  await Promise.all(nodes.splice(0).map((n) => n.stop()))
})

async function pair(source: BlobSource, rate?: ByteRate): Promise<[TesseraNode, TesseraNode]> {
  const server = await createServerNode({
    listen: [`/memory/${crypto.randomUUID()}`],
    transports: [memory()],
  })
  const client = await createServerNode({
    listen: [`/memory/${crypto.randomUUID()}`],
    transports: [memory()],
  })
  nodes.push(server, client)
  await serveBlobs(server, source, { rate })
  await client.dial(multiaddr(server.getMultiaddrs()[0]))
  return [server, client]
}

function bytes(n: number, seed: number): Uint8Array {
  let s = seed
  return Uint8Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s >>> 24
  })
}

describe('blob protocol', () => {
  it('slows a peer that downloads past its burst to the per-peer rate', async () => {
    const blob = bytes(3 * MAX_BLOB_CHUNK, 4)
    const store = createBlobStore()
    const digest = store.addBytes(blob)
    const rate = createByteRate({ bytesPerSecond: 4 * MAX_BLOB_CHUNK, burstBytes: MAX_BLOB_CHUNK })
    const [server, client] = await pair(store, rate)
    const started = performance.now()
    const got = await createBlobDownload(client, server.peerId, digest).run()
    expect(hex(sha256(got))).toBe(digest)
    // 1 MiB free, then 2 MiB at 4 MiB/s: at least half a second.
    expect(performance.now() - started).toBeGreaterThan(450)
    // Another peer's bucket is its own.
    const other = await createServerNode({
      listen: [`/memory/${crypto.randomUUID()}`],
      transports: [memory()],
    })
    nodes.push(other)
    await other.dial(multiaddr(server.getMultiaddrs()[0]))
    const t = performance.now()
    await createBlobDownload(other, server.peerId, digest).run({ onProgress: () => {} })
    expect(performance.now() - t).toBeLessThan(performance.now() - started)
  })

  it('slows fresh identities from one address together, whatever their peer ids', async () => {
    const blob = bytes(2 * MAX_BLOB_CHUNK, 5)
    const store = createBlobStore()
    const digest = store.addBytes(blob)
    const server = await createServerNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    nodes.push(server)
    const generous = createByteRate({ bytesPerSecond: 1e12, burstBytes: 1e12 })
    const address = createByteRate({ bytesPerSecond: 2 * MAX_BLOB_CHUNK, burstBytes: MAX_BLOB_CHUNK })
    await serveBlobs(server, store, { rate: generous, addressRate: address })
    const download = async () => {
      const client = await createServerNode({ listen: [] })
      nodes.push(client)
      await client.dial(server.getMultiaddrs()[0])
      const t = performance.now()
      expect(hex(sha256(await createBlobDownload(client, server.peerId, digest).run()))).toBe(digest)
      return performance.now() - t
    }
    await download()
    // A fresh peer id on the same address finds the address's bucket empty: 2 MiB at 2 MiB/s (its
    // own bucket alone would let it take them at once).
    expect(await download()).toBeGreaterThan(700)
  })

  it('downloads a multi-chunk blob, reporting progress, and checks its hash', async () => {
    const blob = bytes(2 * MAX_BLOB_CHUNK + 12345, 1)
    writeFileSync(join(dir, 'model.onnx'), blob)
    const store = createBlobStore()
    const digest = await store.addFile(join(dir, 'model.onnx'), hex(sha256(blob)))
    const [server, client] = await pair(store)
    const progress: number[] = []
    const got = await createBlobDownload(client, server.peerId, hex(sha256(blob))).run({
      onProgress: (p) => progress.push(p.received / p.total),
    })
    expect(hex(sha256(got))).toBe(digest)
    expect(progress).toHaveLength(3)
    expect(progress.at(-1)).toBe(1)
  })

  it('resumes an interrupted download where it stopped', async () => {
    const blob = bytes(3 * MAX_BLOB_CHUNK, 2)
    let reads = 0
    let failOnce = true
    const flaky: BlobSource = {
      size: (key) => (key === hex(sha256(blob)) ? blob.byteLength : undefined),
      async read(_key, offset, length) {
        reads++
        if (offset === 2 * MAX_BLOB_CHUNK && failOnce) {
          failOnce = false
          throw new Error('disk hiccup')
        }
        return blob.subarray(offset, offset + length)
      },
    }
    const [server, client] = await pair(flaky)
    const download = createBlobDownload(client, server.peerId, hex(sha256(blob)))
    await expect(download.run()).rejects.toMatchObject({ name: 'BlobUnavailableError' })
    expect(download.received).toBe(2 * MAX_BLOB_CHUNK)
    expect(hex(sha256(await download.run()))).toBe(hex(sha256(blob)))
    expect(reads).toBe(4)
  })

  it('refuses bytes that do not hash to the address, and blobs over the size limit', async () => {
    const blob = bytes(1000, 3)
    const liar: BlobSource = {
      size: () => blob.byteLength,
      read: async (_k, o, l) => blob.subarray(o, o + l),
    }
    const [server, client] = await pair(liar)
    const other = hex(sha256(bytes(1000, 4)))
    await expect(createBlobDownload(client, server.peerId, other).run()).rejects.toMatchObject({
      name: 'BlobHashMismatchError',
    })
    await expect(
      createBlobDownload(client, server.peerId, hex(sha256(blob)), 999).run(),
    ).rejects.toMatchObject({
      name: 'BlobTooLargeError',
    })
  })

  it('says when the peer does not have the blob', async () => {
    const [server, client] = await pair(createBlobStore())
    await expect(
      createBlobDownload(client, server.peerId, hex(sha256(Uint8Array.of(1)))).run(),
    ).rejects.toMatchObject({
      name: 'BlobUnavailableError',
    })
  })

  it('serves bytes the validator made itself, by their sha256', async () => {
    const store = createBlobStore()
    const blob = bytes(MAX_BLOB_CHUNK + 7, 5)
    const digest = store.addBytes(blob)
    const [server, client] = await pair(store)
    expect(await createBlobDownload(client, server.peerId, digest).run()).toEqual(blob)
  })

  it('refuses a configured file whose content does not match its declared sha256', async () => {
    writeFileSync(join(dir, 'x.bin'), Uint8Array.of(1, 2, 3))
    await expect(createBlobStore().addFile(join(dir, 'x.bin'), '00'.repeat(32))).rejects.toMatchObject({
      name: 'BlobDigestMismatchError',
    })
  })
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))
