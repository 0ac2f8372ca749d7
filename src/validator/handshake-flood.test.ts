/**
 * Idle connections that finish the WebSocket upgrade but never start libp2p's handshake must not
 * lock honest contributors out (libp2p's defaults: 10 such connections, held 10 s each, did).
 */
import { connect, type Socket } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, describe, expect, it } from 'vitest'
import { createServerNode } from '../p2p/node-server.ts'
import { acceptedBodies, createHarness } from '../testing/test-support.ts'

/** A WebSocket connection (upgrade done) that then says nothing. */
function idleWebSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => {
      socket.write(
        [
          'GET / HTTP/1.1',
          `Host: ${host}:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      )
    })
    socket.once('data', (d) =>
      d.toString().startsWith('HTTP/1.1 101') ? resolve(socket) : reject(new Error(d.toString())),
    )
    socket.once('error', reject)
  })
}

describe('a validator under a flood of idle connections', () => {
  const harness = createHarness()
  const sockets: Socket[] = []
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await harness.cleanup()
  })

  it('still serves a new contributor while 12 connections sit in their handshake', async () => {
    const validator = await harness.startValidator({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    const [, host, port] = /^\/ip4\/([^/]+)\/tcp\/(\d+)\//.exec(validator.multiaddrs()[0])!
    // libp2p also limits new connections per host to 5 a second: open them at that pace.
    for (let i = 0; i < 12; i++) {
      sockets.push(await idleWebSocket(host, Number(port)))
      if (i % 4 === 3) await new Promise((r) => setTimeout(r, 1000))
    }
    await new Promise((r) => setTimeout(r, 1000))
    // More than libp2p's default of 10 are still waiting (the validator drops them after 5 s).
    expect(sockets.filter((s) => !s.destroyed).length).toBeGreaterThan(10)

    const node = await createServerNode({ listen: [] })
    try {
      const started = Date.now()
      await node.dial(multiaddr(validator.multiaddrs()[0]), { signal: AbortSignal.timeout(4000) })
      const { events } = await harness.contribute(node, { type: 'accepted', count: 2 })
      expect(acceptedBodies(events).length).toBeGreaterThanOrEqual(2)
      // Well before the idle ones time out: nobody waited for them to go.
      expect(Date.now() - started).toBeLessThan(4500)
    } finally {
      await node.stop()
    }
  }, 60_000)
})
