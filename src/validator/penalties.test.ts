import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, describe, expect, it } from 'vitest'
import { request } from '../p2p/rpc.ts'
import { decodeLeaseResponse } from '../protocol/codec.ts'
import {
  BLOB_PROTOCOL,
  CLAIM_PROTOCOL,
  LEASE_PROTOCOL,
  MESSAGE_LIMITS,
  PEERS_PROTOCOL,
  RESULT_PROTOCOL,
} from '../protocol/constants.ts'
import { acceptedBodies, createHarness } from '../testing/test-support.ts'
import { createPenalties } from './penalties.ts'

describe('penalties for malformed messages', () => {
  it('bans a peer after `limit` offences within the window, for `banMs`, once', () => {
    let clock = 0
    const bans: string[] = []
    const p = createPenalties({
      limit: 3,
      windowMs: 1000,
      banMs: 5000,
      now: () => clock,
      onBan: (peer) => bans.push(peer),
    })
    p.record('a', 'x')
    clock += 600
    p.record('a', 'x')
    clock += 600 // the first offence left the window
    p.record('a', 'x')
    expect(p.banned('a')).toBe(false)
    p.record('a', 'x')
    expect(p.banned('a')).toBe(true)
    expect(bans).toEqual(['a'])
    clock += 5001
    expect(p.banned('a')).toBe(false)
    expect(p.banned('b')).toBe(false)
  })

  describe('at a live validator', () => {
    const harness = createHarness()
    afterAll(() => harness.cleanup())

    it('answers garbage with bad-request until the limit, then closes the connection and refuses the peer, while others work on', async () => {
      const validator = await harness.startValidator()
      const attacker = await harness.contributorNode(validator)
      for (let i = 0; i < 19; i++) {
        const garbage = crypto.getRandomValues(new Uint8Array(64))
        const answer = decodeLeaseResponse(
          await request(attacker, validator.peerId, LEASE_PROTOCOL, garbage, {
            maxResponseBytes: MESSAGE_LIMITS.leaseResponse,
          }),
        )
        expect(answer).toMatchObject({ type: 'refusal', reason: 'bad-request' })
      }
      // The twentieth: the validator cuts the peer off.
      await request(attacker, validator.peerId, LEASE_PROTOCOL, new Uint8Array(8), {
        maxResponseBytes: MESSAGE_LIMITS.leaseResponse,
      }).catch(() => {})
      await expect.poll(() => attacker.getConnections(validator.peerId).length, { timeout: 5000 }).toBe(0)
      await expect(attacker.dial(multiaddr(validator.multiaddrs()[0]))).rejects.toMatchObject({
        name: 'ConnectionClosedError',
      })

      const honest = await harness.contributorNode(validator)
      const { events } = await harness.contribute(honest, { type: 'accepted', count: 2 })
      const accepted = acceptedBodies(events).length
      expect(accepted).toBeGreaterThanOrEqual(2)

      // Both show on /metrics.
      const { contentType, body } = await validator.metrics.render()
      expect(contentType).toContain('text/plain')
      expect(body).toContain('tessera_peers_cut_off_total{reason="malformed lease request"} 1')
      expect(body).toMatch(new RegExp(`^tessera_ledger_accepted ${accepted}$`, 'm'))
      expect(body).toMatch(/^tessera_validator_process_cpu_seconds_total \d/m)
    })

    it('cuts off a sender of junk after the same count on every protocol it serves', async () => {
      const validator = await harness.startValidator()
      const protocols = [LEASE_PROTOCOL, RESULT_PROTOCOL, CLAIM_PROTOCOL, BLOB_PROTOCOL, PEERS_PROTOCOL]
      for (const protocol of protocols) {
        const attacker = await harness.contributorNode(validator)
        let sent = 0
        while (attacker.getConnections(validator.peerId).length > 0 && sent < 200) {
          sent++
          const junk = crypto.getRandomValues(new Uint8Array(48))
          await request(attacker, validator.peerId, protocol, junk, { maxResponseBytes: 1 << 20 }).catch(
            () => {},
          )
        }
        // 20 offences in a minute cut a peer off; a request or two may be in flight as it happens.
        expect(sent, protocol).toBeLessThanOrEqual(22)
        expect(sent, protocol).toBeGreaterThanOrEqual(20)
        await expect(attacker.dial(multiaddr(validator.multiaddrs()[0]))).rejects.toMatchObject({
          name: 'ConnectionClosedError',
        })
      }
    })
  })
})
