/**
 * The validator's blobs, served over /tessera/blob/1 by sha256: files (ONNX models, corpora) read
 * from disk on demand, and bytes the validator made itself (a synthetic layer's weights) kept in
 * memory.
 */
import { open, readFile } from 'node:fs/promises'
import { sha256 } from '@noble/hashes/sha2.js'
import { type BlobSource, hex } from '../p2p/blob-protocol.ts'
import type { BlobRegistry } from '../work/kind.ts'

export interface BlobStore extends BlobSource, BlobRegistry {
  /** The registry a kind's source adds through: its blobs are the kind's (ownerOf). */
  forKind(kind: string): BlobRegistry
  /** The kind that added a blob, if a kind did. */
  ownerOf(sha256: string): string | undefined
  /** Whether a blob is a file on disk (a model, a corpus) rather than bytes made in memory. */
  isFile(sha256: string): boolean
}

/** A file's content does not match the sha256 its configuration declares. */
export class BlobDigestMismatchError extends Error {
  static override name = 'BlobDigestMismatchError'
  override name = 'BlobDigestMismatchError'
}

export function createBlobStore(): BlobStore {
  const blobs = new Map<string, { size: number; path?: string; bytes?: Uint8Array; owner?: string }>()
  const registry = (owner?: string): BlobRegistry => ({
    addBytes(bytes) {
      const digest = hex(sha256(bytes))
      blobs.set(digest, { size: bytes.byteLength, bytes, owner })
      return digest
    },
    async addFile(path, expected) {
      const bytes = await readFile(path)
      const digest = hex(sha256(bytes))
      if (expected != null && expected.toLowerCase() !== digest) {
        throw new BlobDigestMismatchError(`${path} has sha256 ${digest}, configuration says ${expected}`)
      }
      blobs.set(digest, { path, size: bytes.byteLength, owner })
      return digest
    },
    remove(key) {
      blobs.delete(key)
    },
  })
  return {
    ...registry(),
    forKind: registry,
    ownerOf: (key) => blobs.get(key)?.owner,
    isFile: (key) => blobs.get(key)?.path != null,
    size: (key) => blobs.get(key)?.size,
    async read(key, offset, length) {
      const blob = blobs.get(key)
      if (blob == null) throw new Error(`no blob ${key}`)
      // A copy: the bytes may be shared memory, which some stream and crypto code refuses.
      if (blob.bytes != null) return blob.bytes.slice(offset, offset + length)
      const handle = await open(blob.path!, 'r')
      try {
        const out = new Uint8Array(length)
        const { bytesRead } = await handle.read(out, 0, length, offset)
        return out.subarray(0, bytesRead)
      } finally {
        await handle.close()
      }
    },
  }
}
