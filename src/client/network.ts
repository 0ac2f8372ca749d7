/**
 * The page's one libp2p node: created on first use (Start or a claim, never on page load), connected
 * to the configured validators, and kept for the page's lifetime with this browser's identity.
 */
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createBrowserNode } from '../p2p/node-browser.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { workTopic } from '../protocol/constants.ts'
import type { BootstrapInfo } from './bootstrap.ts'
import { loadOrCreateBrowserKey } from './identity.ts'

/** None of the configured validator addresses could be dialed. */
export class NoValidatorReachableError extends Error {
  static override name = 'NoValidatorReachableError'
  override name = 'NoValidatorReachableError'
}

let shared: Promise<TesseraNode> | undefined

/** Loopback and private addresses are dialable over plain ws only when the connection gater allows it. */
export function isLocal(multiaddrs: string[]): boolean {
  return multiaddrs.some((ma) =>
    /^\/(ip4\/(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)|ip6\/::1\/|dns4?\/localhost\/)/.test(ma),
  )
}

export function connect(bootstrap: BootstrapInfo): Promise<TesseraNode> {
  shared ??= open(bootstrap).catch((err) => {
    shared = undefined
    throw err
  })
  return shared.then(async (node) => {
    if (node.getConnections().length === 0) await dialAll(node, bootstrap.multiaddrs)
    return node
  })
}

/** This browser's peer id, without starting a node. */
export async function contributorPeerId(): Promise<string> {
  return peerIdFromPrivateKey(await loadOrCreateBrowserKey()).toString()
}

async function open(bootstrap: BootstrapInfo): Promise<TesseraNode> {
  const node = await createBrowserNode({
    privateKey: await loadOrCreateBrowserKey(),
    allowPrivateAddresses: isLocal(bootstrap.multiaddrs),
    scoredTopics: [workTopic(bootstrap.netuid)],
  })
  try {
    await dialAll(node, bootstrap.multiaddrs)
  } catch (err) {
    await node.stop()
    throw err
  }
  return node
}

async function dialAll(node: TesseraNode, addrs: string[]): Promise<void> {
  const errors: string[] = []
  for (const addr of addrs) {
    try {
      await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) })
    } catch (err) {
      errors.push(`${addr}: ${(err as Error).message}`)
    }
  }
  if (node.getConnections().length === 0) {
    throw new NoValidatorReachableError(
      `could not reach a validator (${errors.join('; ') || 'no addresses'})`,
    )
  }
}
