import { describe, expect, it } from 'vitest'
import { leafHash, merkleProof, merkleRoot, payoutLeaf, receiptsRoot, verifyMerkleProof } from './merkle.ts'

describe('merkle', () => {
  it('proves every leaf of trees of 1 to 9 leaves, and nothing else', () => {
    for (let n = 1; n <= 9; n++) {
      const leaves = Array.from({ length: n }, (_, i) => leafHash(`leaf-${i}`))
      const root = merkleRoot(leaves)
      for (const leaf of leaves) {
        const proof = merkleProof(leaves, leaf)
        expect(verifyMerkleProof(leaf, proof, root)).toBe(true)
        expect(verifyMerkleProof(leafHash('intruder'), proof, root)).toBe(false)
      }
    }
  })

  it('does not depend on leaf order, but on every leaf', () => {
    expect(receiptsRoot(['a', 'b', 'c'])).toEqual(receiptsRoot(['c', 'a', 'b']))
    expect(receiptsRoot(['a', 'b', 'c'])).not.toEqual(receiptsRoot(['a', 'b']))
  })

  it('binds a payout to its epoch, address and amount', () => {
    const leaves = [payoutLeaf(3, 'addr1', 10n), payoutLeaf(3, 'addr2', 20n)]
    const root = merkleRoot(leaves)
    const proof = merkleProof(leaves, leaves[0])
    expect(verifyMerkleProof(payoutLeaf(3, 'addr1', 10n), proof, root)).toBe(true)
    expect(verifyMerkleProof(payoutLeaf(3, 'addr1', 11n), proof, root)).toBe(false)
    expect(verifyMerkleProof(payoutLeaf(4, 'addr1', 10n), proof, root)).toBe(false)
  })

  it('keeps leaves and inner nodes apart', () => {
    const [a, b] = [leafHash('a'), leafHash('b')]
    // A forged "leaf" equal to an inner node's preimage hashes differently as a leaf.
    const inner = merkleRoot([a, b])
    expect(leafHash(new Uint8Array([...a, ...b]))).not.toEqual(inner)
  })
})
