/**
 * /tessera/blob/1: content-addressed blobs (ONNX models, input data) fetched in chunks of at most
 * MAX_BLOB_CHUNK. A download can be resumed from where it stopped, is bounded by a size limit
 * announced before any byte is kept, and is checked against its sha256 before anyone uses it.
 */
import type { PeerId } from '@libp2p/interface'
import { sha256 } from '@noble/hashes/sha2.js'
import { fromString } from 'uint8arrays/from-string'
import { toString as toHex } from 'uint8arrays/to-string'
import {
  decodeBlobRequest,
  decodeBlobResponse,
  encodeBlobRequest,
  encodeBlobResponse,
} from '../protocol/codec.ts'
import { BLOB_PROTOCOL, MAX_BLOB_CHUNK, MAX_BLOB_SIZE, MESSAGE_LIMITS } from '../protocol/constants.ts'
import { type ByteRate, createByteRate } from './byte-rate.ts'
import type { TesseraNode } from './node-server.ts'
import { ipOf } from './remote-address.ts'
import { type Accountability, handleRequests, Offence, request } from './rpc.ts'

/** The downloaded bytes do not hash to the address they were requested by. */
export class BlobHashMismatchError extends Error {
  static override name = 'BlobHashMismatchError'
  override name = 'BlobHashMismatchError'
}

/** The blob is larger than the caller accepts. */
export class BlobTooLargeError extends Error {
  static override name = 'BlobTooLargeError'
  override name = 'BlobTooLargeError'
}

/** The serving peer does not have the blob, or answered inconsistently. */
export class BlobUnavailableError extends Error {
  static override name = 'BlobUnavailableError'
  override name = 'BlobUnavailableError'
}

export interface BlobSource {
  /** Size in bytes of the blob with this sha256 (hex), or undefined when it is not served. */
  size(sha256Hex: string): number | undefined
  read(sha256Hex: string, offset: number, length: number): Promise<Uint8Array>
}

/** Blobs are named by their sha256 in lowercase hex. */
export function hex(bytes: Uint8Array): string {
  return toHex(bytes, 'base16')
}

/** What one peer may download: a whole default layer's weights at once, then 32 MiB/s. */
export const BLOB_RATE = { bytesPerSecond: 32 * 2 ** 20, burstBytes: 128 * 2 ** 20 }
/** What all peers of one remote address may download together (peer ids are free; addresses less so). */
export const BLOB_ADDRESS_RATE = { bytesPerSecond: 128 * 2 ** 20, burstBytes: 512 * 2 ** 20 }

export interface ServeBlobsOptions extends Accountability {
  onServe?: (sha256Hex: string, bytes: number) => void
  rate?: ByteRate
  addressRate?: ByteRate
}

const refusal = (message: string, reason: string) =>
  new Offence(encodeBlobResponse({ type: 'error', message }), reason)

export async function serveBlobs(
  node: TesseraNode,
  source: BlobSource,
  options: ServeBlobsOptions = {},
): Promise<void> {
  const {
    onServe,
    rate = createByteRate(BLOB_RATE),
    addressRate = createByteRate(BLOB_ADDRESS_RATE),
  } = options
  await handleRequests(
    node,
    BLOB_PROTOCOL,
    async (payload, remotePeer, connection) => {
      let request: ReturnType<typeof decodeBlobRequest>
      try {
        request = decodeBlobRequest(payload)
      } catch (err) {
        return refusal((err as Error).message, 'malformed blob request')
      }
      try {
        const { sha256: digest, offset, length } = request
        const key = hex(digest)
        const total = source.size(key)
        // Blobs are named by offers and grants: a page asks for one it was not told of rarely (a
        // training version just retired), a prober all the time.
        if (total == null) return refusal(`no blob ${key}`, 'unknown blob')
        if (offset > total)
          return refusal(`offset ${offset} is past the end (${total})`, 'blob offset past its end')
        const data = await source.read(key, offset, Math.min(length, total - offset))
        const ip = ipOf(connection.remoteAddr)
        const wait = Math.max(
          rate.take(remotePeer.toString(), data.byteLength),
          ip == null ? 0 : addressRate.take(ip, data.byteLength),
        )
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        onServe?.(key, data.byteLength)
        return encodeBlobResponse({ type: 'chunk', total, data })
      } catch (err) {
        return encodeBlobResponse({ type: 'error', message: (err as Error).message })
      }
    },
    { maxRequestBytes: MESSAGE_LIMITS.blobRequest, ...options },
  )
}

export interface BlobProgress {
  received: number
  total: number
}

export interface BlobDownload {
  /** The blob's sha256, lowercase hex. */
  readonly sha256: string
  /** Bytes received so far: a failed run() leaves them here, and the next run() continues. */
  readonly received: number
  run(options?: { signal?: AbortSignal; onProgress?: (p: BlobProgress) => void }): Promise<Uint8Array>
}

export function createBlobDownload(
  node: TesseraNode,
  peer: PeerId,
  sha256Hex: string,
  maxSize = MAX_BLOB_SIZE,
): BlobDownload {
  if (!/^[0-9a-f]{64}$/.test(sha256Hex))
    throw new RangeError(`"${sha256Hex}" is not a sha256 in lowercase hex`)
  const digest = fromString(sha256Hex, 'base16')
  const chunks: Uint8Array[] = []
  let received = 0
  let total: number | undefined
  return {
    sha256: sha256Hex,
    get received() {
      return received
    },
    async run(options = {}) {
      while (total == null || received < total) {
        const bytes = await withSlot(node, peer, () =>
          request(
            node,
            peer,
            BLOB_PROTOCOL,
            encodeBlobRequest({ sha256: digest, offset: received, length: MAX_BLOB_CHUNK }),
            { maxResponseBytes: MESSAGE_LIMITS.blobResponse, signal: options.signal },
          ),
        )
        const response = decodeBlobResponse(bytes)
        if (response.type === 'error') throw new BlobUnavailableError(response.message)
        if (total != null && response.total !== total)
          throw new BlobUnavailableError('the blob changed size mid-download')
        if (response.total > maxSize)
          throw new BlobTooLargeError(`blob is ${response.total} bytes, over ${maxSize}`)
        total = response.total
        if (response.data.byteLength === 0 && received < total)
          throw new BlobUnavailableError('empty chunk before the end')
        if (received + response.data.byteLength > total)
          throw new BlobUnavailableError('chunk runs past the blob')
        chunks.push(response.data.slice())
        received += response.data.byteLength
        options.onProgress?.({ received, total })
      }
      const blob = new Uint8Array(received)
      let offset = 0
      for (const chunk of chunks) {
        blob.set(chunk, offset)
        offset += chunk.byteLength
      }
      if (hex(sha256(blob)) !== sha256Hex) {
        // Nothing of it can be trusted: start over next time.
        chunks.length = 0
        received = 0
        total = undefined
        throw new BlobHashMismatchError(`blob does not hash to ${sha256Hex}`)
      }
      return blob
    },
  }
}

/**
 * Chunk requests in flight to one peer, all downloads together: a validator takes at most
 * MAX_STREAMS_PER_CONNECTION streams per protocol from a connection and resets the rest, and a
 * tile's weight panels would otherwise all be asked for at once.
 */
const MAX_BLOB_REQUESTS_PER_PEER = 4
const slots = new WeakMap<TesseraNode, Map<string, { active: number; waiting: Array<() => void> }>>()

async function withSlot<T>(node: TesseraNode, peer: PeerId, run: () => Promise<T>): Promise<T> {
  const peers = slots.get(node) ?? new Map()
  slots.set(node, peers)
  const key = peer.toString()
  const s = peers.get(key) ?? { active: 0, waiting: [] }
  peers.set(key, s)
  if (s.active >= MAX_BLOB_REQUESTS_PER_PEER) await new Promise<void>((resolve) => s.waiting.push(resolve))
  s.active++
  try {
    return await run()
  } finally {
    s.active--
    s.waiting.shift()?.()
    if (s.active === 0 && s.waiting.length === 0) peers.delete(key)
  }
}
