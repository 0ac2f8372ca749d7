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

function shapedPipe(from: Socket, to: Socket, send: (bytes: number) => number, delayMs: number) {
  let last = 0
  let queued = 0
  const later = (at: number, fn: () => void) => setTimeout(fn, Math.max(0, at - performance.now()))
  from.on('data', (chunk: Buffer) => {
    const at = Math.max(send(chunk.byteLength) + delayMs, last)
    last = at
    queued += chunk.byteLength
    if (queued > HIGH_WATER) from.pause()
    later(at, () => {
      if (!to.destroyed) to.write(chunk)
      queued -= chunk.byteLength
      if (queued <= HIGH_WATER / 2) from.resume()
    })
  })
  from.on('end', () => later(last, () => to.end()))
  from.on('error', () => later(last, () => to.destroy()))
  from.on('close', () => later(last, () => to.destroy()))
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
