/**
 * The claim a wallet signs: versioned, domain-separated, and plain text, so that what the wallet shows
 * and what the page shows are the same words. Encoding is canonical (one spelling per claim): the
 * validator parses the signed bytes, re-encodes them, and refuses anything that differs.
 *
 *   tessera-claim/1
 *   Subnet: 1
 *   Validator: 12D3KooW...
 *   Contributor: 12D3KooW...
 *   Epochs: 4, 5
 *   Receipts: 12
 *   Receipts root: 0x<64 hex>
 *   Payout address: 5Grw...
 *   Nonce: 0x<32 hex>
 *   Expires: 2026-11-26T00:10:00.000Z
 */

import { hexToU8a, u8aToHex } from '@polkadot/util'
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto'

export const CLAIM_TAG = 'tessera-claim/1'
/** Bittensor's SS58 prefix (the generic Substrate one). */
export const SS58_PREFIX = 42

export interface ClaimMessage {
  netuid: number
  validator: string
  contributor: string
  epochs: number[]
  receipts: number
  receiptsRoot: Uint8Array
  payoutAddress: string
  nonce: Uint8Array
  expiresAt: number
}

/** The claim bytes do not follow the claim format exactly. */
export class InvalidClaimMessageError extends Error {
  static override name = 'InvalidClaimMessageError'
  override name = 'InvalidClaimMessageError'
}

const LABELS = [
  'Subnet',
  'Validator',
  'Contributor',
  'Epochs',
  'Receipts',
  'Receipts root',
  'Payout address',
  'Nonce',
  'Expires',
] as const

export function encodeClaimMessage(claim: ClaimMessage): Uint8Array {
  return new TextEncoder().encode(lines(claim).join('\n'))
}

function lines(claim: ClaimMessage): string[] {
  const values: Record<(typeof LABELS)[number], string> = {
    Subnet: String(claim.netuid),
    Validator: claim.validator,
    Contributor: claim.contributor,
    Epochs: [...claim.epochs].sort((a, b) => a - b).join(', '),
    Receipts: String(claim.receipts),
    'Receipts root': u8aToHex(claim.receiptsRoot),
    'Payout address': claim.payoutAddress,
    Nonce: u8aToHex(claim.nonce),
    Expires: new Date(claim.expiresAt).toISOString(),
  }
  return [CLAIM_TAG, ...LABELS.map((label) => `${label}: ${values[label]}`)]
}

/** Field-by-field description for the page, in the words a wallet user reads before signing. */
export function describeClaim(claim: ClaimMessage): Array<{ label: string; value: string; meaning: string }> {
  const meaning: Record<(typeof LABELS)[number], string> = {
    Subnet: 'the Bittensor subnet this work was for',
    Validator: "the pool validator's network identity; the claim is valid with this validator only",
    Contributor: "this browser's network identity, which earned the receipts",
    Epochs: 'the reward periods the receipts belong to',
    Receipts: 'how many verified shards you claim',
    'Receipts root': 'a fingerprint of exactly those receipts',
    'Payout address': 'where your share of the pool is paid',
    Nonce: 'a random number so this signature cannot be replayed',
    Expires: 'after this time the validator refuses this signature',
  }
  const text = lines(claim).slice(1)
  return LABELS.map((label, i) => ({
    label,
    value: text[i].slice(label.length + 2),
    meaning: meaning[label],
  }))
}

export function parseClaimMessage(bytes: Uint8Array): ClaimMessage {
  const fail = (why: string): never => {
    throw new InvalidClaimMessageError(`claim message ${why}`)
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return fail('is not UTF-8')
  }
  const [tag, ...rest] = text.split('\n')
  if (tag !== CLAIM_TAG) fail(`must start with "${CLAIM_TAG}"`)
  if (rest.length !== LABELS.length) fail(`must have ${LABELS.length} fields`)
  const field = (i: number) => {
    const prefix = `${LABELS[i]}: `
    if (!rest[i].startsWith(prefix)) fail(`line ${i + 2} must start with "${prefix}"`)
    return rest[i].slice(prefix.length)
  }
  const uint = (i: number) => {
    const v = field(i)
    if (!/^(0|[1-9]\d{0,9})$/.test(v) || Number(v) > 0xffff_ffff) fail(`${LABELS[i]} must be a whole number`)
    return Number(v)
  }
  const hex = (i: number, length: number) => {
    const v = field(i)
    if (!new RegExp(`^0x[0-9a-f]{${length * 2}}$`).test(v))
      fail(`${LABELS[i]} must be ${length} bytes of lowercase hex`)
    return hexToU8a(v)
  }
  const epochText = field(3)
  if (!/^\d+(, \d+)*$/.test(epochText)) fail('Epochs must be a comma-separated list')
  const expires = Date.parse(field(8))
  if (!Number.isFinite(expires)) fail('Expires must be an ISO date')
  const claim: ClaimMessage = {
    netuid: uint(0),
    validator: field(1),
    contributor: field(2),
    epochs: epochText.split(', ').map(Number),
    receipts: uint(4),
    receiptsRoot: hex(5, 32),
    payoutAddress: field(6),
    nonce: hex(7, 16),
    expiresAt: expires,
  }
  if (claim.netuid > 65_535) fail('Subnet is out of range')
  if (claim.epochs.length > 64) fail('names too many epochs')
  if (canonicalAddress(claim.payoutAddress) !== claim.payoutAddress) {
    fail(`Payout address must be an SS58 address with prefix ${SS58_PREFIX}`)
  }
  const again = encodeClaimMessage(claim)
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) fail('is not in canonical form')
  return claim
}

/** The address in SS58 prefix 42, or undefined when it is not a valid address. */
export function canonicalAddress(address: string): string | undefined {
  try {
    return encodeAddress(decodeAddress(address), SS58_PREFIX)
  } catch {
    return undefined
  }
}
