/**
 * Publishes the validator's offers on its subnet's work topic: on a heartbeat, and at once when a
 * peer subscribes. It checks what it relays: without a topic validator of its own, anyone's junk would
 * be forwarded under the validator's name and contributors would score the validator down.
 */

import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { TesseraNode } from '../p2p/node-server.ts'
import { offerTopicValidator } from '../p2p/offer-validator.ts'
import { encodeOffer } from '../protocol/codec.ts'
import { workTopic } from '../protocol/constants.ts'
import type { WorkOffer } from '../protocol/types.ts'
import { throttle } from './throttle.ts'

export interface OfferPublisherOptions {
  node: TesseraNode
  netuid: number
  offers: () => WorkOffer[]
  intervalMs: number
  onError?: (err: unknown) => void
  /** A peer relayed an invalid message on the work topic (gossipsub also scores it down). */
  onInvalid?: (peer: string) => void
}

export interface OfferPublisher {
  publishNow(): void
  stop(): Promise<void>
}

/**
 * Rounds at most this often, however many peers subscribe at once: every round goes to every peer,
 * so a swarm of subscriptions must not multiply them.
 */
const MIN_GAP_MS = 1000

export function startOfferPublisher(options: OfferPublisherOptions): OfferPublisher {
  const { node, netuid } = options
  const pubsub = node.services.pubsub
  const topic = workTopic(netuid)
  const validate = offerTopicValidator(netuid)
  pubsub.topicValidators.set(topic, (peer, msg) => {
    const verdict = validate(peer, msg)
    if (verdict === TopicValidatorResult.Reject) options.onInvalid?.(peer.toString())
    return verdict
  })
  pubsub.subscribe(topic)

  // Not awaited: a publish to a peer whose connection is closing can take long or never settle, and
  // a round that waited for it would hold back every later one (contributors saw no offers at all).
  const rounds = throttle(
    () => {
      for (const offer of options.offers()) {
        pubsub.publish(topic, encodeOffer(offer)).catch((err) => options.onError?.(err))
      }
    },
    Math.min(MIN_GAP_MS, options.intervalMs),
  )
  const publishNow = rounds.call
  const timer = setInterval(publishNow, options.intervalMs)
  const onSubscription = (
    evt: CustomEvent<{ subscriptions: Array<{ topic: string; subscribe: boolean }> }>,
  ) => {
    if (evt.detail.subscriptions.some((s) => s.topic === topic && s.subscribe)) publishNow()
  }
  pubsub.addEventListener('subscription-change', onSubscription)

  return {
    publishNow,
    async stop() {
      clearInterval(timer)
      rounds.cancel()
      pubsub.removeEventListener('subscription-change', onSubscription)
    },
  }
}
