/**
 * Receipt signing and verification. The validator signs the encoded ReceiptBody bytes with its libp2p
 * identity key; signing bytes (not a re-encoding) means both sides verify exactly what was signed.
 */
import type { PrivateKey } from '@libp2p/interface'
import { decodeSignedReceipt, encodeReceiptBody } from './codec.ts'
import { RECEIPT_DOMAIN } from './constants.ts'
import { InvalidSignatureError, signBytes, verifyPeerSignature } from './signed.ts'
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
  return { bodyBytes, signature: await signBytes(bodyBytes, key), body: full }
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
  try {
    await verifyPeerSignature(body.validator, bodyBytes, signature)
  } catch (err) {
    if (err instanceof InvalidSignatureError) throw new InvalidReceiptError(`receipt ${err.message}`)
    throw err
  }
  return receipt
}
