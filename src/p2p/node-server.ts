/** The validator's libp2p node (and Node contributors'): WebSocket listener on loopback by default. */
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import { sharedOptions, type TesseraServices } from './services.ts'

export interface ServerNodeOptions {
  /** Gossip topics whose invalid messages lower the sender's score (the work topics joined). */
  scoredTopics?: string[]
  /** Identity; a fresh one when omitted (Node contributors, tests). */
  privateKey?: PrivateKey
  /** e.g. `/ip4/127.0.0.1/tcp/9797/ws`. */
  listen: string[]
  /** Addresses announced instead of the listening ones (behind a proxy or NAT); the listening ones when omitted. */
  announce?: string[]
  /** Transports; WebSockets when omitted (tests pass the in-memory transport). */
  transports?: Libp2pOptions<TesseraServices>['transports']
  /** Peers refused a connection (the validator's banned senders). */
  denyPeer?: (peer: string) => boolean
  /**
   * Act as circuit relay for contributors, so browsers can signal WebRTC connections to each other
   * through this node (a validator; not Node contributors).
   */
  relay?: boolean
}

export type TesseraNode = Libp2p<TesseraServices>

/**
 * Inbound connections still in their handshake: libp2p's default of 10, each allowed 10 s, let ten
 * idle sockets that never start noise lock every contributor out. A validator takes many, and drops
 * each that has not finished its handshake within a few seconds (a browser on a slow link needs
 * well under one).
 */
export const CONNECTION_LIMITS = {
  maxIncomingPendingConnections: 512,
  inboundUpgradeTimeout: 5_000,
  maxConnections: 4096,
}

/**
 * A reservation only lets browsers exchange WebRTC offers and answers through the relay: each relayed
 * connection is held to libp2p's defaults of 2 minutes and 128 KiB, a few kB of SDP. Reservations
 * are per peer id, which is free, so their number is capped well below the connection limit; a full
 * relay costs pages their direct links, never their work.
 */
export const RELAY_LIMITS = { maxReservations: 1024, reservationTtl: 30 * 60_000 }

export async function createServerNode(options: ServerNodeOptions): Promise<TesseraNode> {
  const shared = sharedOptions(options.scoredTopics)
  return createLibp2p<TesseraServices>({
    privateKey: options.privateKey,
    addresses: {
      listen: options.listen,
      ...(options.announce != null && options.announce.length > 0 ? { announce: options.announce } : {}),
    },
    transports: options.transports ?? [webSockets()],
    connectionManager: CONNECTION_LIMITS,
    ...(options.denyPeer != null
      ? {
          connectionGater: {
            denyInboundEncryptedConnection: async (peer) => options.denyPeer!(peer.toString()),
          },
        }
      : {}),
    ...shared,
    services: {
      ...shared.services,
      ...(options.relay ? { relay: circuitRelayServer({ reservations: RELAY_LIMITS }) } : {}),
    },
  })
}
