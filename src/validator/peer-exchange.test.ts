import './polyfills.ts'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { createServerNode, type TesseraNode } from '../p2p/node-server.ts'
import { request } from '../p2p/rpc.ts'
import { decodePeersResponse, encodePeersRequest } from '../protocol/codec.ts'
import { MESSAGE_LIMITS, PEERS_PROTOCOL } from '../protocol/constants.ts'
import { createHarness, waitFor } from '../testing/test-support.ts'
import type { Validator } from './validator.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

const nodes: TesseraNode[] = []
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()))
})

/** A contributor; with `relayed`, one that listens through the validator as relay (as a page does). */
async function contributor(validator: Validator, relayed: boolean): Promise<TesseraNode> {
  const node = await createServerNode({
    listen: relayed ? ['/p2p-circuit'] : [],
    transports: [webSockets(), circuitRelayTransport()],
  })
  nodes.push(node)
  await node.dial(multiaddr(validator.multiaddrs()[0]))
  if (relayed) await waitFor(() => node.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit')))
  return node
}

// Relay clients need an IP transport: the in-memory one has no addresses they accept.
const startValidator = () => harness.startValidator({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] })

async function askPeers(node: TesseraNode, validator: Validator, max = 8): Promise<string[]> {
  const answer = await request(node, validator.peerId, PEERS_PROTOCOL, encodePeersRequest({ max }), {
    maxResponseBytes: MESSAGE_LIMITS.peersResponse,
  })
  return decodePeersResponse(answer).peers.sort()
}

describe('peer exchange (/tessera/peers/1)', () => {
  it('names other contributors holding a relay reservation and connected now, never the asker', async () => {
    const validator = await startValidator()
    const [p1, p2] = [await contributor(validator, true), await contributor(validator, true)]
    const plain = await contributor(validator, false)
    const id = (n: TesseraNode) => n.peerId.toString()
    expect(await askPeers(plain, validator)).toEqual([id(p1), id(p2)].sort())
    expect(await askPeers(p1, validator)).toEqual([id(p2)])
    expect(await askPeers(plain, validator, 1)).toHaveLength(1)

    await p2.stop()
    await waitFor(() => validator.node.getConnections(p2.peerId).length === 0)
    expect(await askPeers(plain, validator)).toEqual([id(p1)])
  })

  it('answers a malformed request with nothing (the stream is reset)', async () => {
    const validator = await startValidator()
    const plain = await contributor(validator, false)
    await expect(askPeers(plain, validator, 0)).rejects.toMatchObject({ name: 'StreamResetError' })
    await expect(
      request(plain, validator.peerId, PEERS_PROTOCOL, Uint8Array.of(0xff, 0xff), {
        maxResponseBytes: MESSAGE_LIMITS.peersResponse,
      }),
    ).rejects.toMatchObject({ name: 'StreamResetError' })
  })
})
