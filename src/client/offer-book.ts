/**
 * Offers heard on gossip, waiting to be leased. Gossip is untrusted: the topic validator rejects
 * (and so lowers the score of) a peer forwarding malformed offers or offers signed by someone other
 * than the validator they name.
 */
import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import { decodeOffer } from '../protocol/codec.ts'
import { workTopic } from '../protocol/constants.ts'
import type { WorkOffer } from '../protocol/types.ts'

/** Most offers remembered; older ones are dropped first. Bounds memory under an offer flood. */
const MAX_OFFERS = 256

export interface OfferBook {
  /**
   * The freshest unexpired offer that `accept` takes, removed from the book; waits for one if there is
   * none. Offers `accept` declines stay in the book for other callers.
   */
  take(signal: AbortSignal, accept?: (offer: WorkOffer) => boolean): Promise<WorkOffer>
  size(): number
  close(): void
}

export function createOfferBook(pubsub: GossipSub, netuid: number, now = Date.now): OfferBook {
  const topic = workTopic(netuid)
  const offers = new Map<string, WorkOffer>()
  const waiters = new Set<() => void>()
  const wakeAll = () => {
    for (const wake of waiters) wake()
  }

  const check = (from: string | undefined, data: Uint8Array): WorkOffer | undefined => {
    try {
      const offer = decodeOffer(data)
      return offer.netuid === netuid && offer.validator === from ? offer : undefined
    } catch {
      return undefined
    }
  }

  pubsub.topicValidators.set(topic, (_peer, msg) => {
    const from = msg.type === 'signed' ? msg.from.toString() : undefined
    const offer = check(from, msg.data)
    if (offer == null) return TopicValidatorResult.Reject
    return offer.expiresAt > now() ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore
  })

  const onMessage = (evt: CustomEvent<Message>) => {
    const msg = evt.detail
    if (msg.topic !== topic) return
    const offer = check(msg.type === 'signed' ? msg.from.toString() : undefined, msg.data)
    if (offer == null) return
    offers.delete(offer.offerId)
    offers.set(offer.offerId, offer)
    if (offers.size > MAX_OFFERS) offers.delete(offers.keys().next().value!)
    wakeAll()
  }
  pubsub.addEventListener('message', onMessage)
  pubsub.subscribe(topic)

  const pop = (accept: (offer: WorkOffer) => boolean): WorkOffer | undefined => {
    const at = now()
    const entries = [...offers.values()]
    for (let i = entries.length - 1; i >= 0; i--) {
      const offer = entries[i]
      if (offer.expiresAt <= at) {
        offers.delete(offer.offerId)
        continue
      }
      if (!accept(offer)) continue
      offers.delete(offer.offerId)
      return offer
    }
    return undefined
  }

  return {
    async take(signal, accept = () => true) {
      for (;;) {
        signal.throwIfAborted()
        const offer = pop(accept)
        if (offer != null) return offer
        await new Promise<void>((resolve) => {
          const done = () => {
            signal.removeEventListener('abort', done)
            waiters.delete(done)
            resolve()
          }
          waiters.add(done)
          signal.addEventListener('abort', done)
        })
      }
    },
    size: () => offers.size,
    close() {
      pubsub.removeEventListener('message', onMessage)
      pubsub.topicValidators.delete(topic)
      pubsub.unsubscribe(topic)
      wakeAll()
    },
  }
}
