/**
 * Signing by a validator's libp2p identity: the signer signs encoded bytes; a verifier checks them
 * against the signer's peer id, which for Ed25519 identities embeds the public key.
 */
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'

/** A signature does not verify against the peer id that supposedly made it. */
export class InvalidSignatureError extends Error {
  static override name = 'InvalidSignatureError'
  override name = 'InvalidSignatureError'
}

export async function signBytes(bytes: Uint8Array, key: PrivateKey): Promise<Uint8Array> {
  return key.sign(bytes)
}

export async function verifyPeerSignature(
  peerId: string,
  bytes: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  const publicKey = peerIdFromString(peerId).publicKey
  if (publicKey == null) throw new InvalidSignatureError(`peer id ${peerId} does not embed a public key`)
  if (!(await publicKey.verify(bytes, signature)))
    throw new InvalidSignatureError(`signature is not ${peerId}'s`)
}
