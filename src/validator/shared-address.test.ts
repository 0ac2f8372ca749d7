/**
 * Many contributors behind one address (an office NAT, a campus, every page on loopback) all receive
 * offers: gossipsub's IP-colocation penalty would push every peer of an address shared by more than
 * 10 below the publish threshold, honest ones included.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, describe, expect, it } from 'vitest'
import { createOfferBook } from '../client/offer-book.ts'
import { createServerNode, type TesseraNode } from '../p2p/node-server.ts'
import { createHarness } from '../testing/test-support.ts'

describe('contributors sharing one address', () => {
  const harness = createHarness()
  const nodes: TesseraNode[] = []
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
    await harness.cleanup()
  })

  it('all receive offers, sixteen of them', async () => {
    const validator = await harness.startValidator({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    for (let i = 0; i < 16; i++) {
      const node = await createServerNode({ listen: [] })
      nodes.push(node)
      await node.dial(multiaddr(validator.multiaddrs()[0]))
      // libp2p admits 5 new connections a second from one host.
      await new Promise((r) => setTimeout(r, 250))
    }
    const books = nodes.map((node) => createOfferBook(node.services.pubsub, 1))
    try {
      const offers = await Promise.all(
        books.map((book) => book.next(AbortSignal.timeout(10_000), () => true)),
      )
      expect(offers.every((o) => o.validator === validator.peerId.toString())).toBe(true)
    } finally {
      for (const book of books) book.close()
    }
  }, 60_000)
})
