/**
 * Links this page to a few other pages over WebRTC, so offers reach it through them as well as from
 * its validators: a validator's gossip fan-out is carried by contributors, and a page whose link to
 * its validator drops keeps hearing offers. Pages are found through the validators' peer exchange
 * (/tessera/peers/1) and dialled through a validator acting as circuit relay, which carries only the
 * WebRTC signalling; gossip then runs on the direct connection. Every offer is still checked against
 * its validator's signature (the offer book's topic validator), whoever relayed it.
 */
import type { Connection, PeerId } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { TesseraNode } from '../p2p/node-server.ts'
import { request } from '../p2p/rpc.ts'
import { sample } from '../p2p/sample.ts'
import { decodePeersResponse, encodePeersRequest } from '../protocol/codec.ts'
import { MAX_PEERS_LISTED, MESSAGE_LIMITS, PEERS_PROTOCOL } from '../protocol/constants.ts'
import { MULTIADDR_PEER_ID } from '../protocol/ids.ts'

const log = logger('tessera:mesh')

export interface MeshState {
  /** Validators this page is connected to now. */
  validators: number
  /** Other pages this page holds a direct WebRTC connection with. */
  browsers: number
  /** Offers on the work topic that first reached this page through another page. */
  offersViaBrowsers: number
  /** Why the last link to another page could not be made, if it could not (the network line says). */
  lastFailure?: string
}

export interface BrowserMeshOptions {
  node: TesseraNode
  /** The validators' multiaddrs, each ending in `/p2p/<id>`: the relays pages are dialled through. */
  validators: string[]
  /** The work topic whose offers are counted. */
  topic: string
  /** Direct links to other pages this page looks for; it accepts more from pages that dial it. */
  links?: number
  /** How often a page short of links asks for more. */
  intervalMs?: number
  onChange?: (state: MeshState) => void
}

export interface BrowserMesh {
  state(): MeshState
  stop(): void
}

const DIAL_TIMEOUT_MS = 20_000
const FIRST_TRY_MS = 2_000

export function startBrowserMesh(options: BrowserMeshOptions): BrowserMesh {
  const { node, topic } = options
  const links = options.links ?? 2
  const relays = new Map<string, string>()
  for (const ma of options.validators) {
    const id = MULTIADDR_PEER_ID.exec(ma)?.[1]
    if (id != null && !relays.has(id)) relays.set(id, ma)
  }
  let offersViaBrowsers = 0
  let stopped = false
  let busy = false

  // A relayed connection (limited, through a validator) carries signalling only: not a link.
  const isLink = (c: Connection) =>
    !relays.has(c.remotePeer.toString()) && c.limits == null && c.remoteAddr.toString().includes('/webrtc')
  const linked = () =>
    new Set(
      node
        .getConnections()
        .filter(isLink)
        .map((c) => c.remotePeer.toString()),
    )
  let lastFailure: string | undefined
  const state = (): MeshState => ({
    validators: new Set(
      node
        .getConnections()
        .map((c) => c.remotePeer.toString())
        .filter((p) => relays.has(p)),
    ).size,
    browsers: linked().size,
    offersViaBrowsers,
    ...(lastFailure != null ? { lastFailure } : {}),
  })
  const changed = () => {
    if (!stopped) options.onChange?.(state())
  }

  const onMessage = (evt: CustomEvent<{ propagationSource: PeerId; msg: { topic: string } }>) => {
    const { propagationSource, msg } = evt.detail
    if (msg.topic !== topic || relays.has(propagationSource.toString())) return
    offersViaBrowsers++
    changed()
  }

  // Told (the libp2p logger, `localStorage.debug = 'tessera:*'`) and shown (the network line); the
  // next round tries again.
  const failed = (what: string, err: unknown) => {
    log('%s: %e', what, err)
    lastFailure = `${what}: ${(err as Error).message}`.slice(0, 200)
  }

  const grow = async () => {
    if (stopped || busy) return
    const have = linked()
    if (have.size >= links) return
    busy = true
    try {
      for (const [relay, relayAddr] of sample([...relays])) {
        if (stopped || linked().size >= links) return
        if (node.getConnections(peerIdFromString(relay)).length === 0) continue
        const candidates = await askForPeers(node, relay).catch((err) => {
          failed(`asking ${relay.slice(-6)} for other pages failed`, err)
          return []
        })
        for (const peer of sample(candidates)) {
          if (stopped || linked().size >= links) return
          // One side dials (the lower peer id): two pages dialling each other at once both fail.
          if (peer <= node.peerId.toString() || relays.has(peer) || linked().has(peer)) continue
          await node
            .dial(multiaddr(`${relayAddr}/p2p-circuit/webrtc/p2p/${peer}`), {
              signal: AbortSignal.timeout(DIAL_TIMEOUT_MS),
            })
            .then(() => {
              lastFailure = undefined
            })
            .catch((err) => failed(`the WebRTC link to …${peer.slice(-6)} failed`, err))
        }
      }
    } finally {
      busy = false
      changed()
    }
  }

  node.services.pubsub.addEventListener('gossipsub:message', onMessage)
  node.addEventListener('connection:open', changed)
  node.addEventListener('connection:close', changed)
  // A first try soon after Start (other pages' reservations are what is listed), then on a timer.
  const first = setTimeout(() => void grow(), FIRST_TRY_MS)
  const timer = setInterval(() => void grow(), options.intervalMs ?? 10_000)

  return {
    state,
    stop() {
      stopped = true
      clearTimeout(first)
      clearInterval(timer)
      node.services.pubsub.removeEventListener('gossipsub:message', onMessage)
      node.removeEventListener('connection:open', changed)
      node.removeEventListener('connection:close', changed)
    },
  }
}

async function askForPeers(node: TesseraNode, validator: string): Promise<string[]> {
  const answer = await request(
    node,
    peerIdFromString(validator),
    PEERS_PROTOCOL,
    encodePeersRequest({ max: MAX_PEERS_LISTED }),
    { maxResponseBytes: MESSAGE_LIMITS.peersResponse },
  )
  return decodePeersResponse(answer).peers
}
