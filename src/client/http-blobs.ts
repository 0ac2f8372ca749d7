/**
 * Bulk bytes over HTTP: a blob (model, weights panel, row block, corpus) fetched with the platform's
 * own `fetch` (native TLS, HTTP/2, the HTTP cache and any CDN in front) from the mirrors an offer
 * names and the validator's HTTP server, hashed as it streams in and refused unless it is the sha256
 * it was asked by. libp2p stays for control messages; its blob protocol is the fallback when no URL
 * answers (a validator without an HTTP server, a page on https and a mirror on http).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { BlobHashMismatchError, BlobTooLargeError, BlobUnavailableError, hex } from '../p2p/blob-protocol.ts'
import { MAX_BLOB_SIZE } from '../protocol/constants.ts'

export interface HttpBlobOptions {
  signal?: AbortSignal
  onProgress?: (p: { received: number; total: number }) => void
  maxSize?: number
  /** Give a download up when it receives nothing this long; STALL_MS unless a test sets it. */
  stallMs?: number
}

/** The blob from the first base URL that serves it whole and right; the last failure when none does. */
export async function fetchBlobOverHttp(
  bases: string[],
  sha256Hex: string,
  options: HttpBlobOptions = {},
): Promise<Uint8Array> {
  let failure: Error = new BlobUnavailableError('no URL serves it')
  for (const base of bases) {
    try {
      return await fetchOne(new URL(sha256Hex, base).href, sha256Hex, options)
    } catch (err) {
      if (options.signal?.aborted) throw err
      failure = err as Error
    }
  }
  throw failure
}

/** A download that receives nothing this long is given up (the next URL, or libp2p, is tried). */
export const STALL_MS = 15_000

async function fetchOne(url: string, sha256Hex: string, options: HttpBlobOptions): Promise<Uint8Array> {
  const stall = new AbortController()
  const stallMs = options.stallMs ?? STALL_MS
  let timer = setTimeout(() => stall.abort(new BlobUnavailableError(`${url} stalled`)), stallMs)
  const progressed = () => {
    clearTimeout(timer)
    timer = setTimeout(() => stall.abort(new BlobUnavailableError(`${url} stalled`)), stallMs)
  }
  const signal = options.signal != null ? AbortSignal.any([options.signal, stall.signal]) : stall.signal
  try {
    return await fetchWithin(url, sha256Hex, { ...options, signal }, progressed)
  } finally {
    clearTimeout(timer)
  }
}

async function fetchWithin(
  url: string,
  sha256Hex: string,
  options: HttpBlobOptions,
  progressed: () => void,
): Promise<Uint8Array> {
  const maxSize = options.maxSize ?? MAX_BLOB_SIZE
  const res = await fetch(url, { signal: options.signal })
  if (!res.ok || res.body == null) throw new BlobUnavailableError(`${url}: HTTP ${res.status}`)
  const declared = Number(res.headers.get('content-length'))
  if (declared > maxSize) throw new BlobTooLargeError(`${url} is ${declared} bytes, over ${maxSize}`)
  const total = Number.isSafeInteger(declared) && declared > 0 ? declared : 0
  const hash = sha256.create()
  const chunks: Uint8Array[] = []
  let received = 0
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    progressed()
    received += value.byteLength
    if (received > maxSize || (total > 0 && received > total)) {
      await reader.cancel()
      throw new BlobTooLargeError(`${url} sent more than ${total || maxSize} bytes`)
    }
    hash.update(value)
    chunks.push(value)
    options.onProgress?.({ received, total: total || received })
  }
  if (hex(hash.digest()) !== sha256Hex)
    throw new BlobHashMismatchError(`${url} does not hash to ${sha256Hex}`)
  if (chunks.length === 1) return chunks[0]
  const blob = new Uint8Array(received)
  let offset = 0
  for (const chunk of chunks) {
    blob.set(chunk, offset)
    offset += chunk.byteLength
  }
  return blob
}
