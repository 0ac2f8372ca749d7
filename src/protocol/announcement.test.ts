import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { rewardRate, StaleAnnouncementError, signAnnouncement, verifyAnnouncement } from './announcement.ts'
import { decodeSignedAnnouncement, encodeAnnouncementBody, encodeSignedAnnouncement } from './codec.ts'
import { InvalidMessageError, MessageTooLargeError } from './errors.ts'
import { InvalidSignatureError } from './signed.ts'
import type { Announcement } from './types.ts'

const key = await generateKeyPair('Ed25519')
const validator = peerIdFromPrivateKey(key).toString()
const NOW = 1_800_000_000_000

function body(change: Partial<Announcement> = {}): Announcement {
  return {
    netuid: 7,
    validator,
    multiaddrs: [`/ip4/127.0.0.1/tcp/9797/ws/p2p/${validator}`],
    offerings: [{ kind: 'infer', kindVersion: 1, models: ['ab'.repeat(32)] }],
    poolTao: '2.5',
    epochCredit: 50,
    epoch: 3,
    epochEndsAt: NOW + 60_000,
    issuedAt: NOW,
    expiresAt: NOW + 30_000,
    ...change,
  }
}

describe('directory announcements', () => {
  it('round trip: what the validator signed is what a reader gets, with its reward rate', async () => {
    const { body: read } = await verifyAnnouncement(await signAnnouncement(body(), key), NOW + 1000)
    expect(read).toEqual(body())
    expect(rewardRate(read)).toBeCloseTo(2.5 / 50)
    // A fresh epoch's rate is finite: the credit floor is 1 GFLOP.
    expect(rewardRate({ poolTao: '1', epochCredit: 0 })).toBe(1)
  })

  it('refuses one signed by another key than the validator it names', async () => {
    const other = await generateKeyPair('Ed25519')
    await expect(verifyAnnouncement(await signAnnouncement(body(), other), NOW)).rejects.toThrow(
      InvalidSignatureError,
    )
  })

  it('refuses a body changed after signing', async () => {
    const signed = decodeSignedAnnouncement(await signAnnouncement(body(), key))
    const forged = encodeSignedAnnouncement(
      encodeAnnouncementBody(body({ poolTao: '9999' })),
      signed.signature,
    )
    await expect(verifyAnnouncement(forged, NOW)).rejects.toThrow(InvalidSignatureError)
  })

  it('refuses expired, future and overlong ones', async () => {
    const signed = await signAnnouncement(body(), key)
    await expect(verifyAnnouncement(signed, NOW + 30_000)).rejects.toThrow(StaleAnnouncementError)
    await expect(verifyAnnouncement(signed, NOW - 120_000)).rejects.toThrow(StaleAnnouncementError)
    const long = await signAnnouncement(body({ expiresAt: NOW + 3_600_000 }), key)
    await expect(verifyAnnouncement(long, NOW)).rejects.toThrow(StaleAnnouncementError)
  })

  it('refuses addresses of another peer, bad pools and oversized messages before parsing', async () => {
    const elsewhere = body({
      multiaddrs: ['/ip4/127.0.0.1/tcp/1/ws/p2p/12D3KooWSomeoneElse1111111111111111111111111111'],
    })
    await expect(verifyAnnouncement(await signAnnouncement(elsewhere, key), NOW)).rejects.toThrow(
      InvalidMessageError,
    )
    await expect(
      verifyAnnouncement(await signAnnouncement(body({ poolTao: '1e9' }), key), NOW),
    ).rejects.toThrow(InvalidMessageError)
    await expect(verifyAnnouncement(new Uint8Array(20_000), NOW)).rejects.toThrow(MessageTooLargeError)
  })

  it('carries the HTTP API a validator announces, and refuses anything but an http(s) URL', async () => {
    const withApi = body({ api: 'https://validator.example/' })
    const { body: read } = await verifyAnnouncement(await signAnnouncement(withApi, key), NOW)
    expect(read.api).toBe('https://validator.example/')
    for (const api of ['javascript:alert(1)/', 'https://no-slash', `https://${'a'.repeat(300)}/`]) {
      await expect(verifyAnnouncement(await signAnnouncement(body({ api }), key), NOW)).rejects.toThrow(
        InvalidMessageError,
      )
    }
  })
})
