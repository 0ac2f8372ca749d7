/**
 * Receipt signing and verification. The validator signs the encoded ReceiptBody bytes with its libp2p
 * identity key; anyone holding the bytes can check them against the validator's peer id, which for
 * Ed25519 identities embeds the public key. Signing bytes (not a re-encoding) means both sides verify
 * exactly what was signed.
 */
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { decodeSignedReceipt, encodeReceiptBody } from './codec.ts'
import { RECEIPT_DOMAIN } from './constants.ts'
import type { ReceiptBody, SignedReceipt } from './types.ts'

/** A receipt's signature does not match its body, or it names another validator or contributor. */
export class InvalidReceiptError extends Error {
  static override name = 'InvalidReceiptError'
  override name = 'InvalidReceiptError'
}

export async function signReceipt(
  body: Omit<ReceiptBody, 'domain'>,
  key: PrivateKey,
): Promise<SignedReceipt> {
  const full: ReceiptBody = { domain: RECEIPT_DOMAIN, ...body }
  const bodyBytes = encodeReceiptBody(full)
  const signature = await key.sign(bodyBytes)
  return { bodyBytes, signature, body: full }
}

export interface ExpectedReceipt {
  validator: string
  contributor?: string
  leaseId?: string
}

/** Checks a receipt's domain, parties and signature; returns it decoded from the signed bytes. */
export async function verifyReceipt(
  bodyBytes: Uint8Array,
  signature: Uint8Array,
  expected: ExpectedReceipt,
): Promise<SignedReceipt> {
  const receipt = decodeSignedReceipt(bodyBytes, signature)
  const { body } = receipt
  if (body.domain !== RECEIPT_DOMAIN) throw new InvalidReceiptError(`receipt domain is "${body.domain}"`)
  if (body.validator !== expected.validator) {
    throw new InvalidReceiptError(`receipt is from ${body.validator}, expected ${expected.validator}`)
  }
  if (expected.contributor != null && body.contributor !== expected.contributor) {
    throw new InvalidReceiptError(`receipt is for ${body.contributor}, not ${expected.contributor}`)
  }
  if (expected.leaseId != null && body.leaseId !== expected.leaseId) {
    throw new InvalidReceiptError(`receipt is for lease ${body.leaseId}, not ${expected.leaseId}`)
  }
  const publicKey = peerIdFromString(body.validator).publicKey
  if (publicKey == null) throw new InvalidReceiptError('validator peer id does not embed a public key')
  if (!(await publicKey.verify(bodyBytes, signature)))
    throw new InvalidReceiptError('receipt signature is invalid')
  return receipt
}
