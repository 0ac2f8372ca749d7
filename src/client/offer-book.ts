/**
 * Offers heard on gossip. An offer says "this validator has work of this kind"; it stays in the book
 * until it expires and is replaced by each re-publication, and the contributor leases from it as
 * often as it likes. Gossip is untrusted: the topic validator rejects (and so lowers the score of) a
 * peer forwarding malformed offers or offers signed by someone other than the validator they name.
 */
import type { GossipSub, Message } from '@libp2p/gossipsub'
import { offerOf, offerTopicValidator } from '../p2p/offer-validator.ts'
import { workTopic } from '../protocol/constants.ts'
import type { WorkOffer } from '../protocol/types.ts'

/** Most offers remembered; the oldest go first. Bounds memory under an offer flood. */
const MAX_OFFERS = 256

export interface OfferBook {
  /**
   * An unexpired offer that `accept` takes, taking turns between them so every kind and validator
   * gets work; waits for one if there is none.
   */
  next(signal: AbortSignal, accept?: (offer: WorkOffer) => boolean, choose?: Chooser): Promise<WorkOffer>
  /** The next offer in turn that `accept` takes (or the one `choose` picks), without waiting. */
  pick(accept?: (offer: WorkOffer) => boolean, choose?: Chooser): WorkOffer | undefined
  /** Also hears another subnet's offers (one the directory revealed). */
  watch(netuid: number): void
  /** Unexpired offers, all subnets. */
  offers(): WorkOffer[]
  size(): number
  close(): void
}

/** Picks one of the candidates (the market's choice: choice.ts); they are never empty. */
export type Chooser = (candidates: WorkOffer[]) => WorkOffer | undefined

/** Subnets one book follows at most: a page is not made to subscribe to every topic it hears of. */
const MAX_SUBNETS = 16

export function createOfferBook(pubsub: GossipSub, netuid: number, now = Date.now): OfferBook {
  const topics = new Map<string, number>()
  const offers = new Map<string, WorkOffer>()
  const waiters = new Set<() => void>()
  const keyOf = (o: Pick<WorkOffer, 'validator' | 'offerId'>) => `${o.validator}/${o.offerId}`
  // Each book starts its rotation somewhere else: contributors that start together do not all begin
  // with the same validator's offer.
  let turn = Math.floor(Math.random() * 1024)

  const watch = (subnet: number) => {
    const topic = workTopic(subnet)
    if (topics.has(topic) || topics.size >= MAX_SUBNETS) return
    topics.set(topic, subnet)
    pubsub.topicValidators.set(topic, offerTopicValidator(subnet, now))
    pubsub.subscribe(topic)
  }
  const onMessage = (evt: CustomEvent<Message>) => {
    const msg = evt.detail
    const subnet = topics.get(msg.topic)
    if (subnet == null) return
    const offer = offerOf(msg, subnet)
    if (offer == null) return
    // A copy relayed late by another page may be older than the publication already heard (a
    // training offer names the weights of its time): a later expiry is a later publication.
    const known = offers.get(keyOf(offer))
    if (known != null && known.expiresAt > offer.expiresAt) return
    offers.delete(keyOf(offer))
    offers.set(keyOf(offer), offer)
    if (offers.size > MAX_OFFERS) offers.delete(offers.keys().next().value!)
    for (const wake of waiters) wake()
  }
  pubsub.addEventListener('message', onMessage)
  watch(netuid)

  const live = (): WorkOffer[] => {
    const at = now()
    for (const [key, offer] of offers) if (offer.expiresAt <= at) offers.delete(key)
    return [...offers.values()]
  }

  const pick = (accept: (offer: WorkOffer) => boolean = () => true, choose?: Chooser) => {
    const candidates = live().filter(accept)
    if (candidates.length === 0) return undefined
    return choose != null ? choose(candidates) : candidates[turn++ % candidates.length]
  }

  return {
    pick,
    watch,
    offers: live,
    async next(signal, accept, choose) {
      for (;;) {
        signal.throwIfAborted()
        const offer = pick(accept, choose)
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
    size: () => live().length,
    close() {
      pubsub.removeEventListener('message', onMessage)
      for (const topic of topics.keys()) {
        pubsub.topicValidators.delete(topic)
        pubsub.unsubscribe(topic)
      }
      for (const wake of waiters) wake()
    },
  }
}
