/**
 * A small binary Merkle tree over sha256, used for the receipts a claim names and for an epoch's
 * payouts. Leaves and inner nodes are domain-separated (0x00 / 0x01 prefixes) so a leaf can never pass
 * for a node, and each pair is hashed in sorted order so a proof is just the list of siblings.
 */
import { sha256 } from '@noble/hashes/sha2.js'

const LEAF = Uint8Array.of(0)
const NODE = Uint8Array.of(1)

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

export function leafHash(data: Uint8Array | string): Uint8Array {
  return sha256(concat(LEAF, typeof data === 'string' ? new TextEncoder().encode(data) : data))
}

function nodeHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  return compare(a, b) <= 0 ? sha256(concat(NODE, a, b)) : sha256(concat(NODE, b, a))
}

/** Levels from leaves (sorted, so the root does not depend on input order) up to the root. */
function levels(leaves: Uint8Array[]): Uint8Array[][] {
  if (leaves.length === 0) throw new RangeError('a Merkle tree needs at least one leaf')
  const out = [[...leaves].sort(compare)]
  while (out[out.length - 1].length > 1) {
    const level = out[out.length - 1]
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? nodeHash(level[i], level[i + 1]) : level[i])
    out.push(next)
  }
  return out
}

export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  const all = levels(leaves)
  return all[all.length - 1][0]
}

/** Sibling hashes from the leaf up; an odd node promoted without a sibling adds nothing. */
export function merkleProof(leaves: Uint8Array[], leaf: Uint8Array): Uint8Array[] {
  const all = levels(leaves)
  let index = all[0].findIndex((l) => compare(l, leaf) === 0)
  if (index < 0) throw new RangeError('leaf is not in the tree')
  const proof: Uint8Array[] = []
  for (const level of all.slice(0, -1)) {
    const sibling = index ^ 1
    if (sibling < level.length) proof.push(level[sibling])
    index >>= 1
  }
  return proof
}

export function verifyMerkleProof(leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): boolean {
  const computed = proof.reduce((acc, sibling) => nodeHash(acc, sibling), leaf)
  return compare(computed, root) === 0
}

/** Leaves of a claim's receipts: the receipt ids, so the validator can rebuild the root from its ledger. */
export function receiptsRoot(receiptIds: string[]): Uint8Array {
  return merkleRoot(receiptIds.map((id) => leafHash(`receipt:${id}`)))
}

/** Leaf of one payout line of an epoch: what an address is owed, in rao. */
export function payoutLeaf(epoch: number, address: string, amount: bigint): Uint8Array {
  return leafHash(`payout:${epoch}:${address}:${amount}`)
}
