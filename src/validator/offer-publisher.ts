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
  publishNow(): Promise<void>
  stop(): Promise<void>
}

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

  let publishing: Promise<void> | undefined
  let again = false
  const publishNow = (): Promise<void> => {
    // A peer that subscribes while a round is going out may have missed it: go once more after.
    if (publishing != null) {
      again = true
      return publishing
    }
    publishing = (async () => {
      for (const offer of options.offers()) {
        await pubsub.publish(topic, encodeOffer(offer)).catch((err) => options.onError?.(err))
      }
    })().finally(() => {
      publishing = undefined
      if (again) {
        again = false
        void publishNow()
      }
    })
    return publishing
  }
  const timer = setInterval(() => void publishNow(), options.intervalMs)
  const onSubscription = (
    evt: CustomEvent<{ subscriptions: Array<{ topic: string; subscribe: boolean }> }>,
  ) => {
    if (evt.detail.subscriptions.some((s) => s.topic === topic && s.subscribe)) void publishNow()
  }
  pubsub.addEventListener('subscription-change', onSubscription)

  return {
    publishNow,
    async stop() {
      clearInterval(timer)
      pubsub.removeEventListener('subscription-change', onSubscription)
      await publishing
    },
  }
}
