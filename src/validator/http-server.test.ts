import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlobStore } from './blob-store.ts'
import { type HttpServer, startHttpServer } from './http-server.ts'

let server: HttpServer
const WASM = new Uint8Array(64 * 1024).fill(7)
const root = mkdtempSync(join(tmpdir(), 'tessera-http-'))
const site = join(root, 'site')
const blobs = createBlobStore()
// Over one chunk (1 MiB), so the response is written in several.
const BLOB = Uint8Array.from({ length: (1 << 20) + 4097 }, (_, i) => i % 251)
const blobKey = blobs.addBytes(BLOB)

beforeAll(async () => {
  mkdirSync(join(site, 'assets'), { recursive: true })
  writeFileSync(join(site, 'index.html'), '<h1>hi</h1>')
  writeFileSync(join(site, 'assets', 'app-abc.js'), 'export {}')
  writeFileSync(join(site, 'assets', 'big-abc.wasm'), WASM)
  writeFileSync(join(site, 'assets', 'big-abc.wasm.br'), brotliCompressSync(WASM))
  writeFileSync(join(site, 'assets', 'big-abc.wasm.gz'), gzipSync(WASM))
  writeFileSync(join(root, 'secret.txt'), 'do not serve')
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    siteDir: site,
    api: { status: () => ({ ok: 1 }), echo: (rest) => (rest === '' ? undefined : { rest }) },
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'tessera_up 1\n' }),
    blobs,
  })
})
afterAll(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})

describe('http server', () => {
  it('serves the site with isolation headers and long caching for hashed assets', async () => {
    const page = await fetch(server.url)
    expect(await page.text()).toBe('<h1>hi</h1>')
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin')
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
    const asset = await fetch(new URL('assets/app-abc.js', server.url))
    expect(asset.headers.get('content-type')).toContain('text/javascript')
    expect(asset.headers.get('cache-control')).toContain('immutable')
  })

  it('sends the pre-compressed copy the client accepts, Brotli first, and the file itself otherwise', async () => {
    const get = (encoding?: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = request(new URL('assets/big-abc.wasm', server.url), {
          headers: encoding == null ? {} : { 'accept-encoding': encoding },
        })
        req.on('response', (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c) => chunks.push(c))
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
        })
        req.on('error', reject)
        req.end()
      })
    const br = await get('gzip, deflate, br')
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.body.byteLength).toBeLessThan(WASM.byteLength / 10)
    expect(new Uint8Array(brotliDecompressSync(br.body))).toEqual(WASM)
    const gz = await get('gzip, br;q=0')
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(new Uint8Array(gunzipSync(gz.body))).toEqual(WASM)
    const plain = await get()
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(new Uint8Array(plain.body)).toEqual(WASM)
    expect(plain.headers.vary).toBe('accept-encoding')
    expect(plain.headers['cache-control']).toContain('immutable')
  })

  it('serves blobs by sha256, immutable, and nothing that is not one', async () => {
    const res = await fetch(new URL(`blobs/${blobKey}`, server.url))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toContain('immutable')
    // Compared as one Buffer: a deep equal of a million elements takes seconds.
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), Buffer.from(BLOB))).toBe(0)
    for (const key of ['0'.repeat(64), blobKey.toUpperCase(), '..%2Fsecret.txt', '']) {
      expect((await fetch(new URL(`blobs/${key}`, server.url))).status).toBe(404)
    }
  })

  it('serves /metrics as Prometheus text', async () => {
    const res = await fetch(new URL('metrics', server.url))
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(await res.text()).toBe('tessera_up 1\n')
  })

  it('answers API routes as JSON readable from any origin', async () => {
    const res = await fetch(new URL('api/status', server.url))
    expect(await res.json()).toEqual({ ok: 1 })
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect((await fetch(new URL('api/nope', server.url))).status).toBe(404)
    expect((await fetch(new URL('api/toString', server.url))).status).toBe(404)
    expect(await (await fetch(new URL('api/echo/5Grw', server.url))).json()).toEqual({ rest: '5Grw' })
    expect((await fetch(new URL('api/echo', server.url))).status).toBe(404)
  })

  it('never serves files outside the site directory', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await fetch(`${server.url.replace(/\/$/, '')}${path}`)
      expect(res.status).not.toBe(200)
      expect(await res.text()).not.toContain('do not serve')
    }
  })

  it('refuses methods other than GET and HEAD', async () => {
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405)
  })

  it('answers malformed request targets with 400 and stays up', async () => {
    const { port } = new URL(server.url)
    const raw = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
        })
        let out = ''
        socket.on('data', (d) => {
          out += d
        })
        socket.on('end', () => resolve(out))
        socket.on('error', reject)
      })
    for (const target of ['//[', 'http://a:99999/', '//%zz', '/%zz', '/api/echo/%E0%A4%A']) {
      expect(await raw(target)).toMatch(/^HTTP\/1\.1 400/)
    }
    expect(await raw(`/api/echo/${'a'.repeat(5000)}`)).toMatch(/^HTTP\/1\.1 414/)
    expect((await fetch(new URL('api/status', server.url))).status).toBe(200)
  })
})
