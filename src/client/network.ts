/**
 * The page's one libp2p node: created on first use (Start or a claim, never on page load), connected
 * to the configured validators, and kept for the page's lifetime with this browser's identity.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { createBrowserNode } from '../p2p/node-browser.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { DIRECTORY_TOPIC, workTopic } from '../protocol/constants.ts'
import { MULTIADDR_PEER_ID } from '../protocol/ids.ts'
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

async function open(bootstrap: BootstrapInfo): Promise<TesseraNode> {
  const node = await createBrowserNode({
    privateKey: await loadOrCreateBrowserKey(),
    allowPrivateAddresses: isLocal(bootstrap.multiaddrs),
    scoredTopics: [workTopic(bootstrap.netuid), DIRECTORY_TOPIC],
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

export type LinkState = { type: 'unreachable'; retryInMs: number; error: string } | { type: 'reconnected' }

/** Backoff between redials of unreachable validators: doubling from 1 s up to 16 s. */
const REDIAL_MS = [1000, 2000, 4000, 8000, 16_000]

/**
 * Keeps the page connected to its validators: when the last connection to them closes (validator
 * restarted, network gone), redials with backoff until one answers, and says so. Lanes waiting for
 * offers would never dial by themselves once every offer had expired. Returns a stop function.
 */
export function keepConnected(
  node: TesseraNode,
  multiaddrs: string[],
  onChange: (state: LinkState) => void,
): () => void {
  const validators = new Set(multiaddrs.flatMap((ma) => MULTIADDR_PEER_ID.exec(ma)?.[1] ?? []))
  const connected = () =>
    node.getConnections().some((c) => validators.size === 0 || validators.has(c.remotePeer.toString()))
  let timer: ReturnType<typeof setTimeout> | undefined
  let attempt = 0
  let stopped = false

  const redial = async () => {
    timer = undefined
    if (stopped || connected()) return
    try {
      await dialAll(node, multiaddrs)
      attempt = 0
      if (!stopped) onChange({ type: 'reconnected' })
    } catch (err) {
      if (stopped) return
      const retryInMs = REDIAL_MS[Math.min(attempt++, REDIAL_MS.length - 1)]
      onChange({ type: 'unreachable', retryInMs, error: (err as Error).message })
      timer = setTimeout(() => void redial(), retryInMs)
    }
  }
  const onDisconnect = () => {
    if (!stopped && timer == null && !connected()) timer = setTimeout(() => void redial(), 0)
  }
  node.addEventListener('peer:disconnect', onDisconnect)
  return () => {
    stopped = true
    clearTimeout(timer)
    node.removeEventListener('peer:disconnect', onDisconnect)
  }
}
