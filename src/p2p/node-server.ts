/** The validator's libp2p node (and Node contributors'): WebSocket listener on loopback by default. */
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
  /** Transports; WebSockets when omitted (tests pass the in-memory transport). */
  transports?: Libp2pOptions<TesseraServices>['transports']
  /** Peers refused a connection (the validator's banned senders). */
  denyPeer?: (peer: string) => boolean
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

export async function createServerNode(options: ServerNodeOptions): Promise<TesseraNode> {
  return createLibp2p<TesseraServices>({
    privateKey: options.privateKey,
    addresses: { listen: options.listen },
    transports: options.transports ?? [webSockets()],
    connectionManager: CONNECTION_LIMITS,
    ...(options.denyPeer != null
      ? {
          connectionGater: {
            denyInboundEncryptedConnection: async (peer) => options.denyPeer!(peer.toString()),
          },
        }
      : {}),
    ...sharedOptions(options.scoredTopics),
  })
}
