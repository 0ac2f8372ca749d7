import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sha256 } from '@noble/hashes/sha2.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlobHashMismatchError, BlobTooLargeError, hex } from '../p2p/blob-protocol.ts'
import { blobUrlsOf } from '../protocol/blob-urls.ts'
import { createBlobStore } from '../validator/blob-store.ts'
import { type HttpServer, startHttpServer } from '../validator/http-server.ts'
import { fetchBlobOverHttp } from './http-blobs.ts'

const bytes = new Uint8Array(3 * 2 ** 20).map((_, i) => (i * 31) & 255)
const digest = hex(sha256(bytes))
let validator: HttpServer
let liar: Server
let liarUrl: string

beforeAll(async () => {
  const blobs = createBlobStore()
  blobs.addBytes(bytes)
  validator = await startHttpServer({ host: '127.0.0.1', port: 0, siteDir: '.', api: {}, blobs })
  // A mirror that serves whatever it likes under any name.
  liar = createServer((_, res) => res.end(new Uint8Array(1024).fill(7)))
  await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve))
  liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}/blobs/`
})
afterAll(async () => {
  await validator.close()
  liar.close()
})

describe('blobs over HTTP', () => {
  it('downloads a blob from the validator’s server, checked against its sha256, with progress', async () => {
    const seen: number[] = []
    const got = await fetchBlobOverHttp([`${validator.url}blobs/`], digest, {
      onProgress: (p) => seen.push(p.received),
    })
    expect(Buffer.compare(got, bytes)).toBe(0)
    expect(seen.at(-1)).toBe(bytes.byteLength)
  })

  it('refuses what does not hash to its name, and goes on to the next URL', async () => {
    await expect(fetchBlobOverHttp([liarUrl], digest)).rejects.toBeInstanceOf(BlobHashMismatchError)
    const got = await fetchBlobOverHttp([liarUrl, `${validator.url}blobs/`], digest)
    expect(Buffer.compare(got, bytes)).toBe(0)
    await expect(
      fetchBlobOverHttp([`${validator.url}blobs/`], digest, { maxSize: 2 ** 20 }),
    ).rejects.toBeInstanceOf(BlobTooLargeError)
  })

  it('gives up a download that stalls, and goes on to the next URL', async () => {
    // A mirror that sends its headers and a little, then nothing.
    const stuck = createServer((_, res) => {
      res.writeHead(200, { 'content-length': String(bytes.byteLength) })
      res.write(bytes.subarray(0, 1000))
    })
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve))
    const stuckUrl = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}/blobs/`
    try {
      await expect(fetchBlobOverHttp([stuckUrl], digest, { stallMs: 300 })).rejects.toThrow(/stalled/)
      const got = await fetchBlobOverHttp([stuckUrl, `${validator.url}blobs/`], digest, { stallMs: 300 })
      expect(Buffer.compare(got, bytes)).toBe(0)
    } finally {
      stuck.closeAllConnections()
      stuck.close()
    }
  })

  it('takes only http(s) URLs from an offer, mirrors before the validator', () => {
    const notes = {
      blobs: 'http://v.example/blobs/',
      'mirror.1': 'https://cdn.example/t/',
      'mirror.2': 'file:///etc/',
    }
    expect(blobUrlsOf({ notes })).toEqual(['https://cdn.example/t/', 'http://v.example/blobs/'])
    expect(blobUrlsOf({ notes: { blobs: 'not a url' } })).toEqual([])
  })
})
