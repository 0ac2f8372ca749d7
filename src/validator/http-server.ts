/**
 * Serves the built site and the validator's small JSON API on one HTTP port. Static files come only
 * from the site directory (no path escapes); API routes are plain functions returning JSON.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { BlobSource } from '../p2p/blob-protocol.ts'
import { SHA256_HEX } from '../protocol/ids.ts'

/** Longest request target served: the site's paths and API routes are far shorter. */
const MAX_URL_LENGTH = 2048

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
}

export interface HttpServerOptions {
  host: string
  port: number
  /** The built site (vite build output). */
  siteDir: string
  /**
   * GET routes under /api/, keyed by their first path segment and given the rest of the path
   * (`/api/claims/5Grw…` calls `claims('5Grw…')`). Answered as JSON, readable from any origin so
   * embedded widgets can use them; `undefined` answers 404.
   */
  api: Record<string, (rest: string) => unknown | Promise<unknown>>
  /** GET /metrics: Prometheus' text format. */
  metrics?: () => Promise<{ contentType: string; body: string }>
  /**
   * GET /blobs/<sha256>: what the validator serves over /tessera/blob/1 (models, a training run's
   * weights), for pages outside a session (the training panel samples the current model).
   */
  blobs?: BlobSource
  /** Routes under /api/ that take other methods and bodies (the jobs API, jobs/api.ts). */
  jobs?: {
    owns(path: string): boolean
    handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void>
  }
}

/** Bytes read from a blob per chunk written: a large model is never held whole for one response. */
const BLOB_CHUNK = 1 << 20

/** How long a client may take to send its headers, and its whole request. */
const HEADERS_TIMEOUT_MS = 10_000
const REQUEST_TIMEOUT_MS = 30_000

export interface HttpServer {
  readonly url: string
  close(): Promise<void>
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const root = resolve(options.siteDir)

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/'
    if (target.length > MAX_URL_LENGTH) return send(res, 414, 'text/plain', 'URL too long')
    let url: URL
    let decoded: string
    try {
      url = new URL(target, 'http://localhost')
      decoded = decodeURIComponent(url.pathname)
    } catch {
      return send(res, 400, 'text/plain', 'bad request: not a valid URL path')
    }
    const { pathname } = url
    const apiPath = decoded.slice('/api/'.length)
    if (pathname.startsWith('/api/') && options.jobs?.owns(apiPath))
      return options.jobs.handle(req, res, apiPath, url.searchParams)
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'method not allowed')
    if (pathname.startsWith('/api/')) return serveApi(options.api, res, apiPath)
    if (pathname.startsWith('/blobs/') && options.blobs != null)
      return serveBlob(req, res, options.blobs, pathname.slice(7))
    if (pathname === '/metrics' && options.metrics != null) {
      const { contentType, body } = await options.metrics()
      return send(res, 200, contentType, body)
    }
    return serveFile(root, req, res, pathname, decoded)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) return void res.destroy()
      send(res, 500, 'application/json', JSON.stringify({ error: (err as Error).message }))
    })
  })
  // Slow or idle clients do not hold sockets for ever.
  server.headersTimeout = HEADERS_TIMEOUT_MS
  server.requestTimeout = REQUEST_TIMEOUT_MS

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolveListen())
  })
  const { port } = server.address() as AddressInfo
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections()
        server.close(() => resolveClose())
      }),
  }
}

async function serveFile(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  decoded: string,
): Promise<void> {
  const relative = normalize(decoded).replace(/^([/\\])+/, '')
  const file = join(root, relative === '' ? 'index.html' : relative)
  if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'text/plain', 'forbidden')
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(file)
  } catch {
    if (pathname === '/' || pathname === '/index.html') {
      return send(
        res,
        503,
        'text/plain',
        'The site is not built yet: run `npm run build` (npm start does it for you).',
      )
    }
    return send(res, 404, 'text/plain', 'not found')
  }
  if (info.isDirectory()) {
    const index = `${decoded.replace(/\/$/, '')}/index.html`
    return serveFile(root, req, res, index, index)
  }
  const encoding = await precompressed(file, req.headers['accept-encoding'])
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': encoding?.size ?? info.size,
    ...(encoding != null ? { 'content-encoding': encoding.name } : {}),
    vary: 'accept-encoding',
    // Hashed build assets never change; pages must be revalidated so a new build is picked up.
    'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SITE_HEADERS,
  })
  if (req.method === 'HEAD') return void res.end()
  // A file removed between stat and read (a rebuild) must not end the process.
  createReadStream(encoding?.path ?? file)
    .on('error', () => res.destroy())
    .pipe(res)
}

async function serveBlob(req: IncomingMessage, res: ServerResponse, blobs: BlobSource, key: string) {
  const size = SHA256_HEX.test(key) ? blobs.size(key) : undefined
  if (size == null) return send(res, 404, 'text/plain', 'no such blob')
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': size,
    // Named by its hash: it never changes.
    'cache-control': 'public, max-age=31536000, immutable',
    ...SITE_HEADERS,
  })
  if (req.method === 'HEAD') return void res.end()
  for (let offset = 0; offset < size && !res.destroyed; offset += BLOB_CHUNK) {
    const chunk = await blobs.read(key, offset, Math.min(BLOB_CHUNK, size - offset))
    // Respect backpressure: a slow reader does not make the validator buffer the whole blob.
    if (!res.write(chunk)) await new Promise((resume) => res.once('drain', resume))
  }
  res.end()
}

async function serveApi(api: HttpServerOptions['api'], res: ServerResponse, path: string): Promise<void> {
  const [name, ...rest] = path.split('/')
  const route = Object.hasOwn(api, name) ? api[name] : undefined
  const notFound = () => send(res, 404, 'application/json', JSON.stringify({ error: 'no such endpoint' }))
  if (route == null) return notFound()
  const body = await route(rest.join('/'))
  if (body === undefined) return notFound()
  return send(res, 200, 'application/json', JSON.stringify(body), { 'access-control-allow-origin': '*' })
}

/**
 * The build's .br or .gz copy of `file` (scripts/precompress.ts) when the client takes that encoding:
 * Brotli first, it is the smaller.
 */
async function precompressed(
  file: string,
  accept: string | undefined,
): Promise<{ name: string; path: string; size: number } | undefined> {
  const accepted = new Set(
    (accept ?? '')
      .split(',')
      .filter((e) => !/;\s*q=0(\.0*)?\s*$/.test(e))
      .map((e) => e.split(';')[0].trim().toLowerCase()),
  )
  for (const [name, ext] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ]) {
    if (!accepted.has(name)) continue
    const info = await stat(file + ext).catch(() => undefined)
    if (info?.isFile()) return { name, path: file + ext, size: info.size }
  }
  return undefined
}

/**
 * Cross-origin isolation lets the page use wasm threads (SharedArrayBuffer); CORP cross-origin lets
 * other sites embed the widget's script even when they are isolated themselves.
 */
const SITE_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'cross-origin',
  // The embeddable widget loads its chunks as cross-origin module scripts, which need CORS.
  'access-control-allow-origin': '*',
  'x-content-type-options': 'nosniff',
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers })
  res.end(body)
}
