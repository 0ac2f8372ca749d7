import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { ipOf, rangeOf } from './requester.ts'

describe('requester', () => {
  it('reads the remote IP of direct and relayed connections', () => {
    expect(ipOf(multiaddr('/ip4/203.0.113.7/tcp/4001/ws'))).toBe('203.0.113.7')
    expect(ipOf(multiaddr('/ip6/2001:db8::1/tcp/4001/ws'))).toBe('2001:db8::1')
    expect(ipOf(multiaddr('/dns4/example.org/tcp/443/wss'))).toBeUndefined()
  })

  it('groups addresses by the range one owner usually holds (IPv4 /24, IPv6 /48)', () => {
    expect(rangeOf('203.0.113.7')).toBe('203.0.113.0/24')
    expect(rangeOf('203.0.113.200')).toBe(rangeOf('203.0.113.7'))
    expect(rangeOf('203.0.114.7')).not.toBe(rangeOf('203.0.113.7'))
    expect(rangeOf('2001:db8:1:2::1')).toBe('2001:db8:1::/48')
    expect(rangeOf('2001:0db8:0001:ffff:1::9')).toBe('2001:db8:1::/48')
    expect(rangeOf('::1')).toBe('0:0:0::/48')
    expect(rangeOf('::ffff:198.51.100.4')).toBe('198.51.100.0/24')
  })
})
