/**
 * A home link for the benchmark: TCP proxies in front of the validator's HTTP and libp2p ports that
 * share one shaped link — `upBytesPerSecond` from the pages to the validator, `downBytesPerSecond`
 * back, each byte delayed `delayMs` each way after it is sent (serialization, then propagation, as a
 * real access link does). Every connection of the pages shares the two directions' budgets, as every
 * tab and socket of one visitor shares its uplink.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface LinkShape {
  upBytesPerSecond: number
  downBytesPerSecond: number
  delayMs: number
}

/** 10 Mbit/s up, 50 Mbit/s down, 40 ms each way: a home connection. */
export const HOME_LINK: LinkShape = { upBytesPerSecond: 1.25e6, downBytesPerSecond: 6.25e6, delayMs: 40 }

/** Bytes queued on one direction of one connection before its sender is paused. */
const HIGH_WATER = 1 << 20

/** One direction of the link: when a chunk sent now finishes leaving, at `rate` bytes per second. */
function serializer(bytesPerSecond: number) {
  let freeAt = 0
  return (bytes: number) => {
    freeAt = Math.max(freeAt, performance.now()) + (bytes / bytesPerSecond) * 1000
    return freeAt
  }
}

/** Bytes from `from` to `to` over one direction of the link, in order (one queue, one timer). */
function shapedPipe(from: Socket, to: Socket, send: (bytes: number) => number, delayMs: number) {
  const queue: Array<{ at: number; chunk: Buffer | null }> = []
  let queued = 0
  let timer: NodeJS.Timeout | undefined
  const pump = () => {
    timer = undefined
    const now = performance.now()
    while (queue.length > 0 && queue[0].at <= now) {
      const { chunk } = queue.shift()!
      if (chunk == null) {
        to.end()
        continue
      }
      if (!to.destroyed) to.write(chunk)
      queued -= chunk.byteLength
    }
    if (queued <= HIGH_WATER / 2) from.resume()
    if (queue.length > 0) timer = setTimeout(pump, Math.max(0, queue[0].at - now))
  }
  const enqueue = (at: number, chunk: Buffer | null) => {
    queue.push({ at: Math.max(at, queue.at(-1)?.at ?? 0), chunk })
    timer ??= setTimeout(pump, Math.max(0, queue[0].at - performance.now()))
  }
  from.on('data', (chunk: Buffer) => {
    enqueue(send(chunk.byteLength) + delayMs, chunk)
    queued += chunk.byteLength
    if (queued > HIGH_WATER) from.pause()
  })
  from.on('end', () => enqueue(performance.now() + delayMs, null))
  from.on('close', () => {
    if (queue.length === 0) to.destroy()
    else enqueue(performance.now() + delayMs, null)
  })
  from.on('error', () => to.destroy())
}

export interface ShapedLink {
  /** Opens a proxy port forwarding to `target` through this link; resolves with its port. */
  forward(targetPort: number, listenPort?: number): Promise<number>
  close(): Promise<void>
}

export function createShapedLink(shape: LinkShape): ShapedLink {
  const up = serializer(shape.upBytesPerSecond)
  const down = serializer(shape.downBytesPerSecond)
  const servers: Server[] = []
  const sockets = new Set<Socket>()
  return {
    async forward(targetPort, listenPort = 0) {
      const server = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1')
        for (const s of [client, upstream]) {
          s.setNoDelay(true)
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
        }
        shapedPipe(client, upstream, up, shape.delayMs)
        shapedPipe(upstream, client, down, shape.delayMs)
      })
      servers.push(server)
      await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve))
      return (server.address() as { port: number }).port
    },
    async close() {
      for (const s of sockets) s.destroy()
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
    },
  }
}
