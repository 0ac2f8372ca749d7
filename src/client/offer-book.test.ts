import { memory } from '@libp2p/memory'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { createServerNode, type TesseraNode } from '../p2p/node-server.ts'
import { encodeOffer } from '../protocol/codec.ts'
import { workTopic } from '../protocol/constants.ts'
import type { WorkOffer } from '../protocol/types.ts'
import { waitFor } from '../testing/test-support.ts'
import { createOfferBook } from './offer-book.ts'

const topic = workTopic(1)
const nodes: TesseraNode[] = []
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()))
})

async function node(): Promise<TesseraNode> {
  const n = await createServerNode({
    listen: [`/memory/${crypto.randomUUID()}`],
    transports: [memory()],
    scoredTopics: [topic],
  })
  nodes.push(n)
  return n
}

function offerFrom(validator: string, offerId: string): WorkOffer {
  return {
    netuid: 1,
    validator,
    offerId,
    kind: 'gemm',
    kindVersion: 1,
    minFlops: 16,
    maxFlops: 1024,
    expiresAt: Date.now() + 60_000,
    epoch: 0,
    blobs: [],
    notes: {},
  }
}

describe('offer book (gossip)', () => {
  it('keeps offers signed by the validator they name, rejects the rest and lowers the sender score', async () => {
    const [contributor, honest, attacker] = [await node(), await node(), await node()]
    const book = createOfferBook(contributor.services.pubsub, 1)
    for (const peer of [honest, attacker]) {
      peer.services.pubsub.subscribe(topic)
      await contributor.dial(multiaddr(peer.getMultiaddrs()[0]))
    }
    const subscribed = (peer: TesseraNode) =>
      peer.services.pubsub.getSubscribers(topic).some((p) => p.equals(contributor.peerId))
    await waitFor(() => subscribed(honest) && subscribed(attacker))

    const attackerId = attacker.peerId.toString()
    await attacker.services.pubsub.publish(topic, Uint8Array.of(1, 2, 3, 4))
    // Well-formed, but it names the honest validator while the attacker signed it.
    await attacker.services.pubsub.publish(topic, encodeOffer(offerFrom(honest.peerId.toString(), 'forged')))
    await honest.services.pubsub.publish(topic, encodeOffer(offerFrom(honest.peerId.toString(), 'real')))

    const offer = await book.next(AbortSignal.timeout(10_000))
    expect(offer.offerId).toBe('real')
    const score = () =>
      (contributor.services.pubsub as unknown as { getScore(p: string): number }).getScore(attackerId)
    // Two invalid deliveries: the penalty is weight x count^2 = -10 x 4 (slightly decayed).
    await waitFor(() => score() <= -30)
    // An offer is not used up by leasing from it: it stays until it expires.
    expect(book.size()).toBe(1)
    book.close()
  })

  it('keeps the newest publication of an offer when an older copy arrives late (relayed by another page)', async () => {
    const [contributor, validator] = [await node(), await node()]
    const book = createOfferBook(contributor.services.pubsub, 1)
    validator.services.pubsub.subscribe(topic)
    await contributor.dial(multiaddr(validator.getMultiaddrs()[0]))
    await waitFor(() =>
      validator.services.pubsub.getSubscribers(topic).some((p) => p.equals(contributor.peerId)),
    )
    const id = validator.peerId.toString()
    const newer = { ...offerFrom(id, 'train'), notes: { weights: 'v6' } }
    const older = { ...offerFrom(id, 'train'), expiresAt: newer.expiresAt - 1000, notes: { weights: 'v5' } }
    await validator.services.pubsub.publish(topic, encodeOffer(newer))
    await waitFor(() => book.size() === 1)
    await validator.services.pubsub.publish(topic, encodeOffer(older))
    await new Promise((r) => setTimeout(r, 300))
    expect(book.pick()?.notes).toEqual({ weights: 'v6' })
    book.close()
  })
})
