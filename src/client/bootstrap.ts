/**
 * Where the page finds validators: multiaddrs given by configuration (URL parameter `bootstrap`,
 * element attribute, or the build-time VITE_TESSERA_BOOTSTRAP), else the server that served it.
 */
import { MULTIADDR_PEER_ID } from '../protocol/ids.ts'

export interface BootstrapInfo {
  netuid: number
  multiaddrs: string[]
  /** The validator's peer id: from the server, or the /p2p/ part of the first multiaddr. */
  peerId?: string
  /** The validator's current epoch and claim window, when the server said so. */
  epoch?: number
  claimEpochs?: number
}

/** A server that answers /api/bootstrap with something else than a validator's addresses. */
export class BootstrapUnavailableError extends Error {
  static override name = 'BootstrapUnavailableError'
  override name = 'BootstrapUnavailableError'
}

const MAX_ADDRS = 16

export function parseMultiaddrList(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .filter((s) => s.startsWith('/'))
    .slice(0, MAX_ADDRS)
}

export async function fetchBootstrap(apiBase: string, signal?: AbortSignal): Promise<BootstrapInfo> {
  const res = await fetch(new URL('api/bootstrap', apiBase), { signal })
  if (!res.ok) throw new BootstrapUnavailableError(`${res.url} answered ${res.status}`)
  const body = (await res.json()) as Partial<BootstrapInfo>
  const multiaddrs = Array.isArray(body.multiaddrs)
    ? body.multiaddrs.filter((a) => typeof a === 'string')
    : []
  if (multiaddrs.length === 0 || typeof body.netuid !== 'number') {
    throw new BootstrapUnavailableError(`${res.url} did not list a validator's addresses`)
  }
  return {
    netuid: body.netuid,
    multiaddrs: multiaddrs.slice(0, MAX_ADDRS),
    peerId: typeof body.peerId === 'string' ? body.peerId : peerIdOf(multiaddrs),
    epoch: typeof body.epoch === 'number' ? body.epoch : undefined,
    claimEpochs: typeof body.claimEpochs === 'number' ? body.claimEpochs : undefined,
  }
}

/** The peer id in `/p2p/<id>` of the first multiaddr that has one. */
export function peerIdOf(multiaddrs: string[]): string | undefined {
  for (const ma of multiaddrs) {
    const match = MULTIADDR_PEER_ID.exec(ma)
    if (match) return match[1]
  }
  return undefined
}
