import { connect, createServer } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { createShapedLink } from './link.ts'

/** The benchmark's home link must be the link it says: rate and delay measured through it. */
describe('the benchmark’s shaped link', () => {
  const link = createShapedLink({ upBytesPerSecond: 1e6, downBytesPerSecond: 4e6, delayMs: 40 })
  afterAll(() => link.close())

  it('carries bytes up at its uplink rate and back at its downlink rate, each way delayed', async () => {
    // A sink that answers with 2 MB once it has 500 kB.
    const server = createServer((socket) => {
      let got = 0
      socket.on('data', (d) => {
        got += d.byteLength
        if (got === 500_000) socket.end(Buffer.alloc(2_000_000))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = await link.forward((server.address() as { port: number }).port)
    const started = performance.now()
    const times = await new Promise<{ sent: number; done: number }>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      let firstByte = 0
      socket.on('data', () => {
        firstByte ||= performance.now()
      })
      socket.on('end', () => resolve({ sent: firstByte - started, done: performance.now() - started }))
      socket.write(Buffer.alloc(500_000))
    })
    server.close()
    // Up: 0.5 s at 1 MB/s, +40 ms, +40 ms back: the first byte after ~0.58 s (upper bounds loose: a
    // loaded machine fires timers late, never early).
    expect(times.sent).toBeGreaterThan(560)
    expect(times.sent).toBeLessThan(3000)
    // Down: 2 MB at 4 MB/s, 0.5 s more.
    expect(times.done - times.sent).toBeGreaterThan(450)
    expect(times.done - times.sent).toBeLessThan(3000)
  })

  it('keeps every byte in order, however small and many the writes (a WebSocket handshake is)', async () => {
    const echo = createServer((socket) => socket.pipe(socket))
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    const port = await link.forward((echo.address() as { port: number }).port)
    const sent = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 131) & 255))
    const got = await new Promise<Buffer>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      const chunks: Buffer[] = []
      socket.on('data', (d) => {
        chunks.push(d)
        if (Buffer.concat(chunks).byteLength >= sent.byteLength) {
          socket.destroy()
          resolve(Buffer.concat(chunks))
        }
      })
      for (let at = 0, i = 1; at < sent.byteLength; at += i, i = (i % 37) + 1)
        socket.write(sent.subarray(at, at + i))
    })
    echo.close()
    expect(Buffer.compare(got, sent)).toBe(0)
  })
})
