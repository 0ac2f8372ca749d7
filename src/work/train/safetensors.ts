/**
 * safetensors (https://github.com/huggingface/safetensors), the format PyTorch and the Hugging Face
 * ecosystem keep weights in: an 8-byte little-endian header length, a UTF-8 JSON header naming each
 * tensor's dtype, shape and byte range, optional `__metadata__` of string values, then the bytes.
 * Tessera writes F32 tensors back to back in the order given, and its own metadata as JSON strings;
 * it reads F32, F16 and BF16 (converted to f32), so a model trained in PyTorch can be brought in.
 */
import type { NamedArray, WeightsFile } from './checkpoint.ts'

/** The file is not safetensors, or not one this reader takes. */
export class SafetensorsError extends Error {
  static override name = 'SafetensorsError'
  override name = 'SafetensorsError'
}

/** Largest header read: the names, shapes and offsets of tens of thousands of tensors. */
const MAX_HEADER = 16 << 20
const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 }

export function encodeSafetensors(file: WeightsFile): Uint8Array {
  const header: Record<string, unknown> = {
    __metadata__: Object.fromEntries(Object.entries(file.meta).map(([k, v]) => [k, JSON.stringify(v)])),
  }
  let at = 0
  for (const t of file.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1)
    if (size !== t.data.length)
      throw new RangeError(`${t.name}: shape ${t.shape} but ${t.data.length} values`)
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [at, at + size * 4] }
    at += size * 4
  }
  let json = JSON.stringify(header)
  // Padded with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8)
  const head = new TextEncoder().encode(json)
  const out = new Uint8Array(8 + head.length + at)
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true)
  out.set(head, 8)
  let offset = 8 + head.length
  for (const t of file.tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset)
    offset += t.data.byteLength
  }
  return out
}

export function decodeSafetensors(bytes: Uint8Array): WeightsFile {
  const fail = (problem: string): never => {
    throw new SafetensorsError(`safetensors: ${problem}`)
  }
  if (bytes.byteLength < 8) fail('shorter than its header length')
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerBytes = Number(dv.getBigUint64(0, true))
  if (headerBytes > MAX_HEADER || 8 + headerBytes > bytes.byteLength) fail('header runs past the file')
  let header: Record<string, unknown>
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes)))
  } catch (err) {
    return fail(`header is not JSON (${(err as Error).message})`)
  }
  if (header == null || typeof header !== 'object' || Array.isArray(header))
    return fail('header is not an object')
  const data = bytes.subarray(8 + headerBytes)
  const meta: Record<string, unknown> = {}
  const tensors: Array<NamedArray & { begin: number; bytes: number }> = []
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((entry ?? {}) as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`metadata ${k} is not a string`)
        meta[k] = parseJson(v as string)
      }
      continue
    }
    tensors.push({ name, ...tensorOf(name, entry, data, fail) })
  }
  // In the order their bytes are laid out, which is how they were written; and those bytes are the
  // whole buffer, without holes or overlaps (as the reference reader requires).
  tensors.sort((a, b) => a.begin - b.begin)
  let end = 0
  for (const t of tensors) {
    if (t.begin !== end) fail(`${t.name} does not start where the tensor before it ends`)
    end = t.begin + t.bytes
  }
  if (end !== data.byteLength) fail(`${data.byteLength - end} bytes after the last tensor`)
  return { meta, tensors: tensors.map(({ name, shape, data }) => ({ name, shape, data })) }
}

function tensorOf(name: string, entry: unknown, data: Uint8Array, fail: (problem: string) => never) {
  const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>
  if (typeof dtype !== 'string' || BYTES[dtype] == null)
    fail(`${name}: dtype ${String(dtype)} is not F32, F16 or BF16`)
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail(`${name}: no valid shape`)
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  )
    fail(`${name}: no valid data_offsets`)
  const [begin, end] = offsets as [number, number]
  const size = (shape as number[]).reduce((a, b) => a * b, 1)
  if (end > data.byteLength || end - begin !== size * BYTES[dtype as string])
    fail(`${name}: data_offsets do not fit its shape`)
  return {
    begin,
    bytes: end - begin,
    shape: shape as number[],
    data: toF32(dtype as string, data.subarray(begin, end), size),
  }
}

/** f32 values of a tensor's bytes, copied (aligned, and not a view of a pooled buffer). */
function toF32(dtype: string, bytes: Uint8Array, size: number): Float32Array {
  const out = new Float32Array(size)
  if (dtype === 'F32') {
    new Uint8Array(out.buffer).set(bytes)
    return out
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const bits = new Uint32Array(out.buffer)
  for (let i = 0; i < size; i++) {
    const h = dv.getUint16(2 * i, true)
    bits[i] = dtype === 'BF16' ? h << 16 : f16Bits(h)
  }
  return out
}

/** The f32 bit pattern of an IEEE half. */
function f16Bits(h: number): number {
  const sign = (h & 0x8000) << 16
  const exponent = (h >> 10) & 0x1f
  const mantissa = h & 0x3ff
  if (exponent === 0x1f) return sign | 0x7f800000 | (mantissa << 13)
  if (exponent !== 0) return sign | ((exponent + 112) << 23) | (mantissa << 13)
  if (mantissa === 0) return sign
  // Subnormal: normalise it.
  let e = 113
  let m = mantissa
  while ((m & 0x400) === 0) {
    m <<= 1
    e--
  }
  return sign | (e << 23) | ((m & 0x3ff) << 13)
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}
