/**
 * The libp2p configuration both sides share: encryption, muxing, identify and gossipsub. The browser
 * and Node factories add their transports and addresses around it.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import { type Identify, identify } from '@libp2p/identify'
import type { Libp2pOptions } from 'libp2p'

// A type alias, not an interface: libp2p's ServiceMap constraint needs the implicit index signature.
export type TesseraServices = {
  identify: Identify
  pubsub: GossipSub
}

export type Libp2pServices = Libp2pOptions<TesseraServices>['services']

export function sharedOptions(): Pick<
  Libp2pOptions<TesseraServices>,
  'connectionEncrypters' | 'streamMuxers' | 'services'
> {
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
      }) as (components: unknown) => GossipSub,
    },
  }
}
