/**
 * Length-prefixed requests and responses over libp2p streams: one exchange on a fresh stream
 * (`request`), or many in turn on a stream kept open (`createChannel`), which saves the round trip
 * that negotiating a new stream's protocol costs. The byte limits are enforced while reading, before
 * a whole oversized frame is buffered; the codec checks them again with its schema.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { MAX_STREAMS_PER_CONNECTION, RPC_TIMEOUT_MS, STREAM_IDLE_MS } from './constants.ts'
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
  // Opening a stream costs a round trip for protocol negotiation (this libp2p declares
  // `negotiateFully: false` but does not implement it): repeated exchanges use createChannel.
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

/**
 * The answer to a request the peer got wrong (it does not decode, names nothing that exists, was
 * signed by someone else): it is sent like any answer, and counts against the peer (`onOffence`).
 */
export class Offence {
  constructor(
    readonly response: Uint8Array,
    readonly reason: string,
  ) {}
}

export type RequestHandler = (
  payload: Uint8Array,
  remotePeer: PeerId,
  connection: Connection,
) => Promise<Uint8Array | Offence>

export interface HandleOptions {
  maxRequestBytes: number
  /** A request that could not be read (oversized, malformed frame, stalled): the peer's fault. */
  onError?: (err: unknown, remotePeer: PeerId) => void
  /** A request the handler answered as an Offence. */
  onOffence?: (remotePeer: PeerId, reason: string) => void
  /** Peers whose streams are reset unread (see the validator's penalties). */
  refuse?: (remotePeer: PeerId) => boolean
}

/** What every protocol of one server does with a peer's faults: the same counting for all. */
export type Accountability = Pick<HandleOptions, 'onError' | 'onOffence' | 'refuse'>

export async function handleRequests(
  node: TesseraNode,
  protocol: string | string[],
  handler: RequestHandler,
  options: HandleOptions,
): Promise<void> {
  await node.handle(
    protocol,
    async (stream: Stream, connection: Connection) => {
      if (options.refuse?.(connection.remotePeer)) return void stream.abort(new Error('refused'))
      const lp = lpStream(stream, limits(options.maxRequestBytes))
      let served = 0
      try {
        // Requests in turn until the peer closes its end or goes quiet: a one-shot client sends one.
        while (true) {
          const idle = served === 0 ? RPC_TIMEOUT_MS : STREAM_IDLE_MS
          const payload = await readNext(lp, stream, AbortSignal.timeout(idle))
          if (payload == null) break
          const answer = await handler(payload, connection.remotePeer, connection)
          if (answer instanceof Offence) options.onOffence?.(connection.remotePeer, answer.reason)
          const response = answer instanceof Offence ? answer.response : answer
          await lp.write(response, { signal: AbortSignal.timeout(RPC_TIMEOUT_MS) })
          served++
        }
        await stream.close({ signal: AbortSignal.timeout(RPC_TIMEOUT_MS) })
      } catch (err) {
        // A stream that idles out after serving is a client that went away, not an error.
        if (served === 0 || (err as Error).name !== 'TimeoutError')
          options.onError?.(err, connection.remotePeer)
        stream.abort(err as Error)
      }
    },
    { maxInboundStreams: MAX_STREAMS_PER_CONNECTION },
  )
}

/** The next request, or undefined when the peer closed its end between requests. */
async function readNext(
  lp: ReturnType<typeof lpStream>,
  stream: Stream,
  signal: AbortSignal,
): Promise<Uint8Array | undefined> {
  try {
    return (await lp.read({ signal })).subarray()
  } catch (err) {
    // The stream ended before a length prefix began: the peer is done, not at fault.
    const atBoundary = /reading 0\/1 bytes|tried to read -1 bytes/.test((err as Error).message)
    if ((err as Error).name === 'UnexpectedEOFError' && (atBoundary || stream.readStatus !== 'readable')) {
      return undefined
    }
    throw err
  }
}

export interface Channel {
  /** One exchange on the open stream (opened first if needed); a failed one closes it. */
  request(payload: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>
  close(): void
}

/**
 * Requests to one peer on one protocol over a stream kept open between them. Exchanges are taken in
 * turn. A stream idle for longer than CHANNEL_IDLE_MS is replaced before use rather than risked: the
 * server drops idle streams after STREAM_IDLE_MS, and a request written into a stream it already
 * dropped would be lost.
 */
export function createChannel(
  node: TesseraNode,
  peer: PeerId,
  protocol: string,
  options: { maxResponseBytes: number },
): Channel {
  let open: { stream: Stream; lp: ReturnType<typeof lpStream>; usedAt: number } | undefined
  let turn: Promise<unknown> = Promise.resolve()
  const drop = (err?: Error) => {
    if (open == null) return
    if (err == null) void open.stream.close().catch(() => {})
    else open.stream.abort(err)
    open = undefined
  }
  const exchange = async (payload: Uint8Array, signal?: AbortSignal) => {
    const timeout = anySignal(signal, AbortSignal.timeout(RPC_TIMEOUT_MS))
    if (
      open != null &&
      (performance.now() - open.usedAt > CHANNEL_IDLE_MS || open.stream.status !== 'open')
    ) {
      drop()
    }
    if (open == null) {
      const stream = await node.dialProtocol(peer, protocol, { signal: timeout })
      open = { stream, lp: lpStream(stream, limits(options.maxResponseBytes)), usedAt: 0 }
    }
    const { lp } = open
    try {
      await lp.write(payload, { signal: timeout })
      const response = await lp.read({ signal: timeout })
      open.usedAt = performance.now()
      return response.subarray()
    } catch (err) {
      drop(err as Error)
      throw err
    }
  }
  return {
    request(payload, signal) {
      const result = turn.then(() => exchange(payload, signal))
      turn = result.catch(() => {})
      return result
    },
    close: () => drop(),
  }
}

/** A client's stream idle this long is replaced: well under the server's STREAM_IDLE_MS. */
const CHANNEL_IDLE_MS = STREAM_IDLE_MS / 3

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
