/** The contributor's libp2p node: dials validators over WebSockets (wss in production). */
import type { PrivateKey } from '@libp2p/interface'
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
}

export async function createBrowserNode(options: BrowserNodeOptions = {}): Promise<TesseraNode> {
  return createLibp2p<TesseraServices>({
    privateKey: options.privateKey,
    transports: [webSockets()],
    ...(options.allowPrivateAddresses ? { connectionGater: { denyDialMultiaddr: async () => false } } : {}),
    ...sharedOptions(options.scoredTopics),
  })
}
