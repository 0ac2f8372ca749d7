/**
 * Weights files: safetensors (safetensors.ts), the model's blob on the wire (train kind version 2)
 * and its checkpoint on disk, with Tessera's `meta` (the model's shape, the training step, anything
 * a writer adds) as metadata. A blob is named by its sha256, so a version of a model is its hash.
 *
 * Files of Tessera's earlier format are still read, once, to migrate them:
 *
 *   "TSWT" | u32 format version (1) | u32 header bytes | header (UTF-8 JSON) | zero pad to 4 |
 *   f32 little-endian tensors, back to back, in the header's order
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { toString as toHex } from 'uint8arrays/to-string'
import { type ModelConfig, type ParameterSpec, parameterLayout } from './model.ts'
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from './safetensors.ts'

const MAGIC = 0x54575354 // "TSWT" little-endian
const TSWT_VERSION = 1
/** Largest header: names and shapes of a few thousand tensors. */
const MAX_HEADER = 1 << 20

export interface NamedArray {
  name: string
  shape: number[]
  data: Float32Array
}

export interface WeightsFile {
  meta: Record<string, unknown>
  tensors: NamedArray[]
}

/** A weights file is malformed, of another format version, or not the model it should be. */
export class WeightsFormatError extends Error {
  static override name = 'WeightsFormatError'
  override name = 'WeightsFormatError'
}

export function encodeWeights(file: WeightsFile): Uint8Array {
  return encodeSafetensors(file)
}

/** A weights file of either format (safetensors, or Tessera's earlier one). */
export function decodeWeights(bytes: Uint8Array): WeightsFile {
  if (isTswt(bytes)) return decodeTswt(bytes)
  try {
    return decodeSafetensors(bytes)
  } catch (err) {
    if (err instanceof SafetensorsError) throw new WeightsFormatError(`weights file: ${err.message}`)
    throw err
  }
}

/** Whether these are the bytes of Tessera's earlier weights format. */
export function isTswt(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === MAGIC
}

function decodeTswt(bytes: Uint8Array): WeightsFile {
  const fail = (problem: string): never => {
    throw new WeightsFormatError(`weights file: ${problem}`)
  }
  if (bytes.byteLength < 12) fail('shorter than its header')
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (dv.getUint32(0, true) !== MAGIC) fail('not a Tessera weights file')
  const version = dv.getUint32(4, true)
  if (version !== TSWT_VERSION) fail(`format version ${version}, this reader knows ${TSWT_VERSION}`)
  const headerBytes = dv.getUint32(8, true)
  if (headerBytes > MAX_HEADER || 12 + headerBytes > bytes.byteLength) fail('header runs past the file')
  let header: { meta?: unknown; tensors?: unknown }
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerBytes)),
    )
  } catch (err) {
    return fail(`header is not JSON (${(err as Error).message})`)
  }
  const meta = header?.meta
  if (meta == null || typeof meta !== 'object' || Array.isArray(meta))
    return fail('header has no meta object')
  if (!Array.isArray(header.tensors)) return fail('header has no tensor list')
  const start = Math.ceil((12 + headerBytes) / 4) * 4
  if (start > bytes.byteLength || (bytes.byteLength - start) % 4 !== 0)
    fail('tensor data is not whole f32 values')
  // Copied once so the tensors are aligned whatever the input's offset (and not a view of a Buffer pool).
  const body = new Float32Array((bytes.byteLength - start) / 4)
  new Uint8Array(body.buffer).set(bytes.subarray(start))
  let at = 0
  const tensors = header.tensors.map((t: unknown, i: number) => {
    const { name, shape } = (t ?? {}) as { name?: unknown; shape?: unknown }
    if (typeof name !== 'string' || name.length > 200) fail(`tensor ${i} has no name`)
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`tensor ${String(name)} has no valid shape`)
    const size = (shape as number[]).reduce((a, b) => a * b, 1)
    if (at + size > body.length) fail(`tensor ${String(name)} runs past the file`)
    const data = body.subarray(at, at + size)
    at += size
    return { name: name as string, shape: shape as number[], data }
  })
  if (at !== body.length) fail(`${body.length - at} values after the last tensor`)
  return { meta: meta as Record<string, unknown>, tensors }
}

export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes), 'base16')
}

/** The flat parameter vector of a weights file, checked against the model the grant names. */
export function flatWeights(bytes: Uint8Array, model: ModelConfig): Float32Array {
  const layout = parameterLayout(model)
  return flatTensors(bytes, layout.params, layout.size)
}

/** The named tensors of a weights file laid out as `params` says (a model's weights, or adapters). */
export function flatTensors(bytes: Uint8Array, params: ParameterSpec[], size: number): Float32Array {
  const file = decodeWeights(bytes)
  const out = new Float32Array(size)
  const byName = new Map(file.tensors.map((t) => [t.name, t]))
  for (const p of params) {
    const t = byName.get(p.name)
    if (t == null || t.data.length !== p.size || t.shape.join('x') !== p.shape.join('x'))
      throw new WeightsFormatError(`weights file: ${p.name} is missing or not ${p.shape.join('x')}`)
    out.set(t.data, p.offset)
  }
  return out
}
