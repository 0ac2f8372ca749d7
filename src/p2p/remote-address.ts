/** The remote IP of a libp2p connection's address, where it has one. */
import type { Multiaddr } from '@multiformats/multiaddr'

/** The first IP address in a multiaddr (a relayed address starts with the relay's). */
export function ipOf(ma: Multiaddr): string | undefined {
  for (const c of ma.getComponents()) {
    if (c.name === 'ip4' || c.name === 'ip6') return c.value
  }
  return undefined
}
