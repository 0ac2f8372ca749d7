import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { concat } from 'uint8arrays/concat'

/**
 * Which batches are canaries (recomputed in full, never announced): a keyed hash of the batch's id
 * under a secret kept in the kind's state dir, so the mark survives a restart and needs no memory
 * per shard, and no contributor can tell a canary from its id.
 */
export async function canaries(stateDir: string, rate: number): Promise<(base: string) => boolean> {
  const path = join(stateDir, 'canary.key')
  let key: Uint8Array
  try {
    key = new Uint8Array(await readFile(path))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    key = crypto.getRandomValues(new Uint8Array(32))
    await writeFile(path, key, { mode: 0o600 })
  }
  return (base) => {
    const digest = sha256(concat([key, new TextEncoder().encode(base)]))
    return new DataView(digest.buffer, digest.byteOffset).getUint32(0) / 2 ** 32 < rate
  }
}
