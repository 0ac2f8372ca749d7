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

/** Rounds at most this often, however many peers subscribe at once. */
const MIN_GAP_MS = 100

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

  let last = 0
  let pending: ReturnType<typeof setTimeout> | undefined
  // Not awaited: a publish to a peer whose connection is closing can take long or never settle, and
  // a round that waited for it would hold back every later one (contributors saw no offers at all).
  const round = () => {
    last = Date.now()
    for (const offer of options.offers()) {
      pubsub.publish(topic, encodeOffer(offer)).catch((err) => options.onError?.(err))
    }
  }
  const publishNow = () => {
    const wait = last + MIN_GAP_MS - Date.now()
    if (wait <= 0) return round()
    // A peer that subscribed just after a round gets the next one.
    pending ??= setTimeout(() => {
      pending = undefined
      round()
    }, wait)
  }
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
      clearTimeout(pending)
      pubsub.removeEventListener('subscription-change', onSubscription)
    },
  }
}
