/**
 * Answers /tessera/peers/1: a few other contributors that hold a relay reservation with this
 * validator and are connected now, chosen at random, so pages link up in a random graph over WebRTC
 * and offers reach a page through other pages when its own link to the validator is down or busy.
 * A page is named only by peer id: the asker dials it at `<this validator>/p2p-circuit/webrtc`.
 */

import type { TesseraNode } from '../p2p/node-server.ts'
import { sample } from '../p2p/sample.ts'
import { decodePeersRequest, encodePeersResponse } from '../protocol/codec.ts'
import type { Requester } from './requester.ts'

export interface PeerExchange {
  handle(payload: Uint8Array, who: Requester): Promise<Uint8Array>
}

export function createPeerExchange(node: TesseraNode): PeerExchange {
  return {
    async handle(payload, who) {
      const { max } = decodePeersRequest(payload)
      const now = Date.now()
      const reachable: string[] = []
      // Bounded by the relay's reservation limit (RELAY_LIMITS).
      for (const [peer, reservation] of node.services.relay?.reservations ?? []) {
        const id = peer.toString()
        if (id === who.peer || reservation.expiry.getTime() <= now) continue
        if (node.getConnections(peer).length > 0) reachable.push(id)
      }
      return encodePeersResponse({ peers: sample(reachable, max) })
    },
  }
}
