/**
 * The contributor's libp2p node: dials validators over WebSockets (wss in production), and other
 * contributors over WebRTC, signalled through a validator acting as circuit relay.
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { PrivateKey } from '@libp2p/interface'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import type { TesseraNode } from './node-server.ts'
import { sharedOptions, type TesseraServices } from './services.ts'

export interface BrowserNodeOptions {
  /** Gossip topics whose invalid messages lower the sender's score (the work topics joined). */
  scoredTopics?: string[]
  /** The contributor's persistent identity; receipts are issued to its peer id. */
  privateKey?: PrivateKey
  /**
   * Allow dialing plain ws:// on loopback and private addresses. Needed for a validator running on
   * the same machine (development, tests); public validators use wss and leave this off.
   */
  allowPrivateAddresses?: boolean
  /**
   * STUN/TURN servers for WebRTC between contributors. None by default: pages then reach each other
   * only where host candidates work (one network), and the validator stays every page's source.
   */
  iceServers?: RTCIceServer[]
}

/** Direct connections a page keeps with other pages, besides its validators: gossip needs a few. */
export const MAX_BROWSER_CONNECTIONS = 16

export async function createBrowserNode(options: BrowserNodeOptions = {}): Promise<TesseraNode> {
  return createLibp2p<TesseraServices>({
    privateKey: options.privateKey,
    // A reservation on a validator makes this page dialable at `<validator>/p2p-circuit/webrtc`.
    addresses: { listen: ['/p2p-circuit', '/webrtc'] },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration: { iceServers: options.iceServers ?? [] } }),
      circuitRelayTransport(),
    ],
    connectionManager: { maxConnections: MAX_BROWSER_CONNECTIONS + 16 },
    ...(options.allowPrivateAddresses ? { connectionGater: { denyDialMultiaddr: async () => false } } : {}),
    ...sharedOptions(options.scoredTopics),
  })
}
