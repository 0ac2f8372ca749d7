/**
 * A completed job's manifest: the Merkle root over its output lines (each line's leaf hash, as the
 * payout tree hashes its leaves) signed by the validator's libp2p key, so a requester checks that the
 * results file it holds is the one the validator verified, line for line.
 */
import type { PrivateKey } from '@libp2p/interface'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { signBytes, verifyPeerSignature } from '../../protocol/signed.ts'
import { leafHash, merkleRoot } from '../../wallet/merkle.ts'

export interface Manifest {
  job_id: string
  records: number
  /** Hex of the Merkle root over the output lines' leaf hashes. */
  root: string
  /** The validator's peer id, whose key signed `signedText`. */
  validator: string
  signature: string
}

const signedText = (m: Pick<Manifest, 'job_id' | 'records' | 'root'>) =>
  new TextEncoder().encode(`tessera job manifest v1\n${m.job_id}\n${m.records}\n${m.root}`)

export async function signManifest(
  jobId: string,
  lines: string[],
  key: PrivateKey,
  validator: string,
): Promise<Manifest> {
  const root = bytesToHex(merkleRoot(lines.map((l) => leafHash(l))))
  const unsigned = { job_id: jobId, records: lines.length, root }
  return { ...unsigned, validator, signature: bytesToHex(await signBytes(signedText(unsigned), key)) }
}

/** Throws (InvalidSignatureError, or a RangeError naming the mismatch) unless `lines` are the manifest's. */
export async function verifyManifest(m: Manifest, lines: string[]): Promise<void> {
  if (lines.length !== m.records)
    throw new RangeError(`${lines.length} lines; the manifest says ${m.records}`)
  const root = bytesToHex(merkleRoot(lines.map((l) => leafHash(l))))
  if (root !== m.root) throw new RangeError('the lines do not hash to the manifest’s root')
  await verifyPeerSignature(m.validator, signedText(m), hexToBytes(m.signature))
}
