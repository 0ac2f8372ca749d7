/**
 * Directory announcements: a validator signs the encoded body with its libp2p key; anyone who reads
 * one (from gossip, or from another validator's /api/directory) checks the bytes, the signature, the
 * sender and the times before believing it. Also what an announcement says its work pays.
 */
import type { PrivateKey } from '@libp2p/interface'
import {
  decodeAnnouncementBody,
  decodeSignedAnnouncement,
  encodeAnnouncementBody,
  encodeSignedAnnouncement,
} from './codec.ts'
import { MAX_ANNOUNCEMENT_TTL_MS } from './constants.ts'
import { signBytes, verifyPeerSignature } from './signed.ts'
import type { Announcement, SignedAnnouncement } from './types.ts'

/** An announcement that is expired, from the future, or believed for longer than the limit. */
export class StaleAnnouncementError extends Error {
  static override name = 'StaleAnnouncementError'
  override name = 'StaleAnnouncementError'
}

/** Clocks differ: an announcement issued up to this far ahead of ours is still read. */
const CLOCK_SKEW_MS = 30_000

export async function signAnnouncement(body: Announcement, key: PrivateKey): Promise<Uint8Array> {
  const bodyBytes = encodeAnnouncementBody(body)
  return encodeSignedAnnouncement(bodyBytes, await signBytes(bodyBytes, key))
}

/**
 * The announcement in `bytes`, checked: schema and size, the validator's signature over the body,
 * and its times against `now`. Throws a codec error, InvalidSignatureError or StaleAnnouncementError.
 */
export async function verifyAnnouncement(bytes: Uint8Array, now = Date.now()): Promise<SignedAnnouncement> {
  const { bodyBytes, signature } = decodeSignedAnnouncement(bytes)
  const body = decodeAnnouncementBody(bodyBytes)
  await verifyPeerSignature(body.validator, bodyBytes, signature)
  if (body.expiresAt <= now) throw new StaleAnnouncementError(`announcement of ${body.validator} expired`)
  if (body.issuedAt > now + CLOCK_SKEW_MS)
    throw new StaleAnnouncementError('announcement issued in the future')
  if (body.expiresAt - body.issuedAt > MAX_ANNOUNCEMENT_TTL_MS)
    throw new StaleAnnouncementError(`announcement claims to last over ${MAX_ANNOUNCEMENT_TTL_MS} ms`)
  return { body, bodyBytes, signature }
}

/**
 * What a unit of verified work earns this epoch, in TAO per GFLOP of credit: the pool split over the
 * credit verified so far. A contributor adding a little credit x to an epoch with credit C earns
 * pool · x / (C + x) ≈ x · pool / C; the floor of 1 GFLOP keeps a fresh epoch's rate finite.
 */
export function rewardRate(announcement: Pick<Announcement, 'poolTao' | 'epochCredit'>): number {
  return Number(announcement.poolTao) / Math.max(announcement.epochCredit, 1)
}
