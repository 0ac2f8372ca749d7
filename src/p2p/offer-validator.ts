/**
 * Which gossip on a work topic is valid: an offer that decodes, is for this subnet, and is signed
 * by the validator it names. Contributors and validators install the same check, so neither keeps
 * nor relays anything else, and the peer that sent it is scored down (gossipsub's invalid-message
 * penalty on the topic).
 */
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import { decodeOffer } from '../protocol/codec.ts'
import type { WorkOffer } from '../protocol/types.ts'

/** The offer in a gossip message, or undefined when it is not one this subnet should carry. */
export function offerOf(
  msg: Pick<Message, 'type' | 'data'> & { from?: unknown },
  netuid: number,
): WorkOffer | undefined {
  if (msg.type !== 'signed') return undefined
  try {
    const offer = decodeOffer(msg.data)
    return offer.netuid === netuid && offer.validator === String(msg.from) ? offer : undefined
  } catch {
    return undefined
  }
}

export function offerTopicValidator(netuid: number, now: () => number = Date.now) {
  return (_peer: unknown, msg: Message): TopicValidatorResult => {
    const offer = offerOf(msg, netuid)
    if (offer == null) return TopicValidatorResult.Reject
    return offer.expiresAt > now() ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore
  }
}
