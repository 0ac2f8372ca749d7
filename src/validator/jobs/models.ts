/**
 * Models requesters upload for their jobs, kept in `<data dir>/models/<sha256>.onnx` and served to
 * contributors as blobs. A model is refused at upload, with the reason, when its bytes are not the
 * sha256 it is named by or onnxruntime-node cannot load it; a kept model is served again after a
 * restart.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import * as ort from 'onnxruntime-node'
import type { BlobRegistry } from '../../work/kind.ts'

/** An uploaded model that is not what it claims, or that cannot run. */
export class ModelRefusedError extends Error {
  static override name = 'ModelRefusedError'
  override name = 'ModelRefusedError'
}

export interface ModelInfo {
  sha256: string
  inputs: Array<{ name: string; type: string; shape: number[] }>
  outputs: string[]
}

export interface ModelStore {
  has(sha: string): boolean
  /** What the model takes and gives (onnxruntime-node's view of it). */
  info(sha: string): ModelInfo | undefined
  path(sha: string): string
  put(sha: string, bytes: Uint8Array): Promise<ModelInfo>
}

async function inspect(sha: string, bytes: Uint8Array): Promise<ModelInfo> {
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 })
  } catch (err) {
    throw new ModelRefusedError(`onnxruntime-node cannot load the model: ${(err as Error).message}`)
  }
  try {
    const inputs = session.inputMetadata.map((m) =>
      m.isTensor
        ? { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' ? d : -1)) }
        : { name: m.name, type: 'non-tensor', shape: [] },
    )
    return { sha256: sha, inputs, outputs: [...session.outputNames] }
  } finally {
    await session.release()
  }
}

export async function openModelStore(dataDir: string, blobs: BlobRegistry): Promise<ModelStore> {
  const dir = join(dataDir, 'models')
  await mkdir(dir, { recursive: true })
  const known = new Map<string, ModelInfo>()
  const path = (sha: string) => join(dir, `${sha}.onnx`)
  for (const name of await readdir(dir)) {
    const m = /^([0-9a-f]{64})\.onnx$/.exec(name)
    if (m == null) continue
    const sha = await blobs.addFile(path(m[1]), m[1])
    const bytes = new Uint8Array(await readFile(path(sha)))
    known.set(sha, await inspect(sha, bytes))
  }
  return {
    has: (sha) => known.has(sha),
    info: (sha) => known.get(sha),
    path,
    async put(sha, bytes) {
      const digest = bytesToHex(sha256(bytes))
      if (digest !== sha) throw new ModelRefusedError(`the bytes have sha256 ${digest}, not ${sha}`)
      const existing = known.get(sha)
      if (existing != null) return existing
      const info = await inspect(sha, bytes)
      // Written aside and renamed: a crash never leaves half a model under its name.
      const partial = `${path(sha)}.partial`
      await writeFile(partial, bytes)
      await rename(partial, path(sha))
      await blobs.addFile(path(sha), sha)
      known.set(sha, info)
      return info
    },
  }
}
