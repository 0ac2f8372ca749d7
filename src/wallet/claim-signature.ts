/**
 * Checks a wallet's signature over a claim. Browser extensions sign raw data wrapped as
 * `<Bytes>…</Bytes>` (so a signed message can never be a valid transaction); we verify exactly that
 * wrapped form and nothing else, which is why this does not use util-crypto's signatureVerify (it
 * also accepts a signature of the unwrapped bytes). sr25519 and ed25519 keys are accepted.
 */
import { u8aWrapBytes } from '@polkadot/util'
import { cryptoWaitReady, decodeAddress, ed25519Verify, sr25519Verify } from '@polkadot/util-crypto'

export async function verifyClaimSignature(
  message: Uint8Array,
  signature: Uint8Array,
  address: string,
): Promise<boolean> {
  await cryptoWaitReady()
  if (signature.byteLength !== 64) return false
  let publicKey: Uint8Array
  try {
    publicKey = decodeAddress(address)
  } catch {
    return false
  }
  const signed = u8aWrapBytes(message)
  const attempt = (verify: () => boolean) => {
    try {
      return verify()
    } catch {
      return false
    }
  }
  return (
    attempt(() => sr25519Verify(signed, signature, publicKey)) ||
    attempt(() => ed25519Verify(signed, signature, publicKey))
  )
}
