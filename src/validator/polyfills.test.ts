import { describe, expect, it } from 'vitest'
import { WebSocket as WsWebSocket } from 'ws'
import { quietWebSocket } from './polyfills.ts'

describe('Node polyfills', () => {
  it("gives Node a WebSocket whose connection errors arrive as events, as a browser's do, not as a crash", async () => {
    // Port 1 on loopback refuses the connection: `ws` emits 'error', which with no EventEmitter
    // listener would be thrown from its socket and end the process (the scale benchmark's fleets did).
    // Tested on `ws` itself: Node 22's global WebSocket is not `ws` and would pass anyway.
    const Quiet = quietWebSocket(WsWebSocket)
    const socket = new Quiet('ws://127.0.0.1:1/') as unknown as WsWebSocket
    expect(socket.listenerCount('error')).toBeGreaterThan(0)
    const events: string[] = []
    socket.addEventListener('error', () => events.push('error'))
    socket.addEventListener('close', () => events.push('close'))
    await new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()))
    expect(events).toEqual(['error', 'close'])
  })

  it('gives Node 20 Promise.withResolvers', () => {
    const { promise, resolve } = Promise.withResolvers<number>()
    resolve(7)
    return expect(promise).resolves.toBe(7)
  })
})
