/** Spellings of the identifiers that cross the wire, defined once. */

/** Base58btc peer ids as libp2p prints them (Ed25519 ids are 52 characters, RSA ids longer). */
const PEER_ID = '[1-9A-HJ-NP-Za-km-z]{32,128}'
export const PEER_ID_PATTERN = new RegExp(`^${PEER_ID}$`)
/** The peer id at the end of a multiaddr (`.../p2p/<id>`). */
export const MULTIADDR_PEER_ID = new RegExp(`/p2p/(${PEER_ID})$`)

/** Offer, lease, shard and receipt ids. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]+$/

/** Work kind names: short, lowercase, as they appear in offers, grants, results and receipts. */
export const KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/

export const SHA256_HEX = /^[0-9a-f]{64}$/

export function isPeerId(value: string): boolean {
  return PEER_ID_PATTERN.test(value)
}
