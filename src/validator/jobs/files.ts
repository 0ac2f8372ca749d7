/**
 * Data files requesters upload for their jobs' records (an `audio-segments` record names its WAV by
 * sha256), kept in `<data dir>/files/<sha256>`. Refused at upload when the bytes are not the sha256
 * they are named by; written aside and renamed, so a crash never leaves half a file under its name.
 */
import { existsSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'

/** An uploaded file whose bytes are not its name's sha256. */
export class FileRefusedError extends Error {
  static override name = 'FileRefusedError'
  override name = 'FileRefusedError'
}

export interface FileStore {
  has(sha: string): boolean
  path(sha: string): string
  put(sha: string, bytes: Uint8Array): Promise<{ sha256: string; bytes: number }>
  /** Keeps bytes the validator made itself (a result's tensor, a trained model); their sha256. */
  add(bytes: Uint8Array): Promise<string>
}

export async function openFileStore(dataDir: string): Promise<FileStore> {
  const dir = join(dataDir, 'files')
  await mkdir(dir, { recursive: true })
  const path = (sha: string) => join(dir, sha)
  const has = (sha: string) => /^[0-9a-f]{64}$/.test(sha) && existsSync(path(sha))
  const keep = async (sha: string, bytes: Uint8Array) => {
    if (has(sha)) return
    const partial = `${path(sha)}.partial`
    await writeFile(partial, bytes)
    await rename(partial, path(sha))
  }
  return {
    has,
    path,
    async put(sha, bytes) {
      const digest = bytesToHex(sha256(bytes))
      if (digest !== sha) throw new FileRefusedError(`the bytes have sha256 ${digest}, not ${sha}`)
      await keep(sha, bytes)
      return { sha256: sha, bytes: bytes.byteLength }
    },
    async add(bytes) {
      const sha = bytesToHex(sha256(bytes))
      await keep(sha, bytes)
      return sha
    },
  }
}
