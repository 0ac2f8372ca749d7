import { memory } from '@libp2p/memory'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServerNode, type TesseraNode } from './node-server.ts'
import { createChannel, handleRequests, request } from './rpc.ts'

const PROTOCOL = '/tessera/test-echo/1'

describe('request streams', () => {
  let server: TesseraNode
  let client: TesseraNode

  beforeAll(async () => {
    server = await createServerNode({
      listen: [`/memory/rpc-${crypto.randomUUID()}`],
      transports: [memory()],
    })
    client = await createServerNode({
      listen: [`/memory/rpc-${crypto.randomUUID()}`],
      transports: [memory()],
    })
    await handleRequests(
      server,
      PROTOCOL,
      async (payload) => {
        return new Uint8Array([...payload].reverse())
      },
      { maxRequestBytes: 16 },
    )
    await client.dial(server.getMultiaddrs()[0])
  })
  afterAll(async () => {
    await client.stop()
    await server.stop()
  })

  it('answers many requests in turn on one kept-open stream', async () => {
    const channel = createChannel(client, server.peerId, PROTOCOL, { maxResponseBytes: 16 })
    const answers = await Promise.all([1, 2, 3].map((n) => channel.request(new Uint8Array([n, 0]))))
    expect(answers.map((a) => [...a])).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
    ])
    // One inbound stream served all three, and stays open for the next.
    const open = server.getConnections()[0].streams.filter((st) => st.protocol === PROTOCOL)
    expect(open).toHaveLength(1)
    channel.close()
  })

  it('still answers one-shot requests (version 2 clients)', async () => {
    const answer = await request(client, server.peerId, PROTOCOL, new Uint8Array([7, 8]), {
      maxResponseBytes: 16,
    })
    expect([...answer]).toEqual([8, 7])
  })

  it('drops the stream after an oversized request, and the channel opens a fresh one', async () => {
    const channel = createChannel(client, server.peerId, PROTOCOL, { maxResponseBytes: 16 })
    await expect(channel.request(new Uint8Array(17))).rejects.toMatchObject({ name: 'StreamResetError' })
    expect([...(await channel.request(new Uint8Array([1, 2])))]).toEqual([2, 1])
    channel.close()
  })
})
