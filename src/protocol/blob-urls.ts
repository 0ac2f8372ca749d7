/**
 * Where an offer's blobs are served over HTTP: notes naming base URLs that serve `<base><sha256>`
 * (added to offers within work version 2; a page that ignores them fetches over libp2p as before).
 */
import type { WorkOffer } from './types.ts'

/** Note keys of an offer that name base URLs serving `<base><sha256>`: mirrors first, then the validator's own. */
export const MIRROR_NOTES = ['mirror.1', 'mirror.2', 'mirror.3'] as const
export const BLOBS_NOTE = 'blobs'

/** Base URLs an offer names for its blobs, in the order to try them; only http(s). */
export function blobUrlsOf(offer: Pick<WorkOffer, 'notes'>): string[] {
  return [...MIRROR_NOTES, BLOBS_NOTE].flatMap((key) => {
    const value = offer.notes[key]
    if (value == null) return []
    try {
      const url = new URL(value)
      return url.protocol === 'http:' || url.protocol === 'https:' ? [url.href] : []
    } catch {
      return []
    }
  })
}
