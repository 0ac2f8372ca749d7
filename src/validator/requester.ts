/**
 * Who asks for work, as far as the validator can tell: a peer id (free), the connection it came on,
 * and the remote address and address range (costlier: an attacker's identities share them). Leases
 * are counted against each, so fresh identities from one place share one small allowance.
 */
import type { Connection } from '@libp2p/interface'
import { ipOf } from '../p2p/remote-address.ts'

export { ipOf }

export interface Requester {
  peer: string
  /** The libp2p connection's id; absent for work restored after a restart. */
  connection?: string
  /** The remote IP address, when the connection has one (a relayed one names the relay's). */
  address?: string
  /** The address's range: IPv4 /24, IPv6 /48. */
  range?: string
}

export function requesterOf(connection: Connection): Requester {
  const address = ipOf(connection.remoteAddr)
  return {
    peer: connection.remotePeer.toString(),
    connection: connection.id,
    address,
    range: address == null ? undefined : rangeOf(address),
  }
}

/** IPv4 /24 or IPv6 /48, as a string prefix: the unit a host or small network usually owns. */
export function rangeOf(ip: string): string {
  if (!ip.includes(':')) return `${ip.split('.').slice(0, 3).join('.')}.0/24`
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped != null) return rangeOf(mapped[1])
  return `${expand6(ip).slice(0, 3).join(':')}::/48`
}

/** The eight 16-bit groups of an IPv6 address, with `::` filled in. */
function expand6(ip: string): string[] {
  const [head, tail] = ip.toLowerCase().split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail == null || tail === '' ? [] : tail.split(':')
  const fill = tail == null ? [] : Array(8 - left.length - right.length).fill('0')
  return [...left, ...fill, ...right].map((g) => g.replace(/^0+(?=.)/, ''))
}
