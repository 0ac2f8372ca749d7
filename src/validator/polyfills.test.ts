import { describe, expect, it } from 'vitest'
import './polyfills.ts'

describe('Node polyfills', () => {
  it("gives Node a WebSocket whose connection errors arrive as events, as a browser's do, not as a crash", async () => {
    // Port 1 on loopback refuses the connection: `ws` emits 'error', which with no EventEmitter
    // listener would be thrown from its socket and end the process (the scale benchmark's fleets did).
    const socket = new WebSocket('ws://127.0.0.1:1/')
    const events: string[] = []
    socket.addEventListener('close', () => events.push('close'))
    await new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()))
    expect(events).toEqual(['close'])
  })
})
