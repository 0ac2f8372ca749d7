/**
 * One request, one response over a fresh stream, length-prefixed. The byte limits are enforced while
 * reading, before a whole oversized frame is buffered; the codec checks them again with its schema.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { MAX_STREAMS_PER_CONNECTION, RPC_TIMEOUT_MS } from './constants.ts'
import type { TesseraNode } from './node-server.ts'

export interface RequestOptions {
  maxResponseBytes: number
  signal?: AbortSignal
}

export async function request(
  node: TesseraNode,
  peer: PeerId,
  protocol: string,
  payload: Uint8Array,
  options: RequestOptions,
): Promise<Uint8Array> {
  const signal = anySignal(options.signal, AbortSignal.timeout(RPC_TIMEOUT_MS))
  const stream = await node.dialProtocol(peer, protocol, { signal })
  try {
    const lp = lpStream(stream, limits(options.maxResponseBytes))
    await lp.write(payload, { signal })
    const response = await lp.read({ signal })
    await stream.close({ signal })
    return response.subarray()
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

export type RequestHandler = (payload: Uint8Array, remotePeer: PeerId) => Promise<Uint8Array>

export interface HandleOptions {
  maxRequestBytes: number
  onError?: (err: unknown, remotePeer: PeerId) => void
}

export async function handleRequests(
  node: TesseraNode,
  protocol: string,
  handler: RequestHandler,
  options: HandleOptions,
): Promise<void> {
  await node.handle(
    protocol,
    async (stream: Stream, connection: Connection) => {
      const signal = AbortSignal.timeout(RPC_TIMEOUT_MS)
      try {
        const lp = lpStream(stream, limits(options.maxRequestBytes))
        const payload = await lp.read({ signal })
        const response = await handler(payload.subarray(), connection.remotePeer)
        await lp.write(response, { signal })
        await stream.close({ signal })
      } catch (err) {
        options.onError?.(err, connection.remotePeer)
        stream.abort(err as Error)
      }
    },
    { maxInboundStreams: MAX_STREAMS_PER_CONNECTION },
  )
}

/**
 * A frame of up to `bytes`, and the stream's read buffer large enough to hold it: lpStream buffers at
 * most 4 MiB by default whatever maxDataLength says, and resets the stream beyond that.
 */
function limits(bytes: number) {
  return { maxDataLength: bytes, maxBufferSize: bytes + 16 }
}

function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s != null))
}
