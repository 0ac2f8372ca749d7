/** The validator's blobs: files it serves over /tessera/blob/1, addressed by their sha256. */
import { open, readFile } from 'node:fs/promises'
import { sha256 } from '@noble/hashes/sha2.js'
import { type BlobSource, hex } from '../p2p/blob-protocol.ts'

export interface FileBlobStore extends BlobSource {
  /** Hashes the file (and checks it against `expected` when given); returns its sha256 hex. */
  add(path: string, expected?: string): Promise<string>
}

/** A file's content does not match the sha256 its configuration declares. */
export class BlobDigestMismatchError extends Error {
  static override name = 'BlobDigestMismatchError'
  override name = 'BlobDigestMismatchError'
}

export function createFileBlobStore(): FileBlobStore {
  const files = new Map<string, { path: string; size: number }>()
  return {
    async add(path, expected) {
      const bytes = await readFile(path)
      const digest = hex(sha256(bytes))
      if (expected != null && expected.toLowerCase() !== digest) {
        throw new BlobDigestMismatchError(`${path} has sha256 ${digest}, configuration says ${expected}`)
      }
      files.set(digest, { path, size: bytes.byteLength })
      return digest
    },
    size: (key) => files.get(key)?.size,
    async read(key, offset, length) {
      const file = files.get(key)
      if (file == null) throw new Error(`no blob ${key}`)
      const handle = await open(file.path, 'r')
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
