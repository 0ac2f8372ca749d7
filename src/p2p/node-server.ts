/** The validator's libp2p node: WebSocket listener on loopback by default (or in-memory for tests). */
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { sharedOptions, type TesseraServices } from './services.ts'

export interface ServerNodeOptions {
  /** Gossip topics whose invalid messages lower the sender's score (the work topics joined). */
  scoredTopics?: string[]
  /** Identity; a fresh one when omitted (Node contributors, tests). */
  privateKey?: PrivateKey
  /** e.g. `/ip4/127.0.0.1/tcp/9797/ws`; `/memory/<name>` listens in-process. */
  listen: string[]
}

export type TesseraNode = Libp2p<TesseraServices>

export async function createServerNode(options: ServerNodeOptions): Promise<TesseraNode> {
  const inMemory = options.listen.some((addr) => addr.startsWith('/memory/'))
  return createLibp2p<TesseraServices>({
    privateKey: options.privateKey,
    addresses: { listen: options.listen },
    transports: inMemory ? [memory()] : [webSockets()],
    ...sharedOptions(options.scoredTopics),
  })
}
