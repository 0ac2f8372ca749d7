/** The validator's signed acknowledgment that it recorded a claim; the contributor keeps it. */
import type { PrivateKey } from '@libp2p/interface'
import { decodeClaimAckBody, encodeClaimAckBody } from './codec.ts'
import { CLAIM_ACK_DOMAIN } from './constants.ts'
import { signBytes, verifyPeerSignature } from './signed.ts'
import type { ClaimAckBody, SignedClaimAck } from './types.ts'

/** An acknowledgment that names another validator or is not a claim acknowledgment at all. */
export class InvalidClaimAckError extends Error {
  static override name = 'InvalidClaimAckError'
  override name = 'InvalidClaimAckError'
}

export async function signClaimAck(
  body: Omit<ClaimAckBody, 'domain'>,
  key: PrivateKey,
): Promise<SignedClaimAck> {
  const full: ClaimAckBody = { domain: CLAIM_ACK_DOMAIN, ...body }
  const bodyBytes = encodeClaimAckBody(full)
  return { bodyBytes, signature: await signBytes(bodyBytes, key), body: full }
}

/** Throws InvalidSignatureError (or a codec error) unless the ack is the named validator's. */
export async function verifyClaimAck(
  bodyBytes: Uint8Array,
  signature: Uint8Array,
  validator: string,
): Promise<SignedClaimAck> {
  const body = decodeClaimAckBody(bodyBytes)
  if (body.domain !== CLAIM_ACK_DOMAIN || body.validator !== validator) {
    throw new InvalidClaimAckError(`acknowledgment is not from validator ${validator}`)
  }
  await verifyPeerSignature(validator, bodyBytes, signature)
  return { bodyBytes, signature, body }
}
