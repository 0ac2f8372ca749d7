/**
 * The libp2p configuration both sides share: encryption, muxing, identify and gossipsub. The browser
 * and Node factories add their transports and addresses around it.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import { createPeerScoreParams, createTopicScoreParams } from '@libp2p/gossipsub/score'
import { type Identify, identify } from '@libp2p/identify'
import type { Libp2pOptions } from 'libp2p'

// A type alias, not an interface: libp2p's ServiceMap constraint needs the implicit index signature.
export type TesseraServices = {
  identify: Identify
  pubsub: GossipSub
  /** Validators only: the circuit relay browsers signal WebRTC connections through. */
  relay?: CircuitRelayService
}

/**
 * Score parameters for a Tessera topic. Only invalid messages count against a peer: contributors never
 * publish, so mesh-delivery penalties would punish honest listeners.
 */
export function topicScoreParams() {
  return createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0,
    firstMessageDeliveriesWeight: 0,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.99,
  })
}

export function sharedOptions(
  scoredTopics: string[] = [],
): Required<Pick<Libp2pOptions<TesseraServices>, 'connectionEncrypters' | 'streamMuxers' | 'services'>> {
  return {
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({
        // Offers are re-published on a heartbeat, so one published before a peer's subscription
        // arrives is not lost for good; publishing must not throw while nobody listens yet.
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        // A rejected (malformed or forged) message lowers its sender's score on these topics.
        scoreParams: createPeerScoreParams({
          topics: Object.fromEntries(scoredTopics.map((topic) => [topic, topicScoreParams()])),
          // No penalty for sharing an IP: more than 10 peers behind one address (an office NAT, a
          // campus, every page on loopback) would all drop below the publish threshold and stop
          // receiving offers, honest ones included (the fuzz benchmark found it). Identities that
          // cost nothing are bounded by allowances and penalties (src/validator), not by gossip.
          IPColocationFactorWeight: 0,
        }),
      }),
    },
  }
}
