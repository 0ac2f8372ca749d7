/**
 * Large output tensors as NumPy `.npy` files (format version 1.0) instead of nested JSON arrays: a
 * task marks a tensor with `asNpy`, and the job work stores its bytes as an uploaded-style file named
 * by its sha256, leaving `{"npy": "<sha256>", "dtype", "shape"}` in the record's line. The line, and
 * so the signed manifest, names the file's hash: a requester checks each file against it.
 */
import type { NamedTensor } from '../../work/kind.ts'
import type { FileStore } from './files.ts'

/** Outputs of more elements than this go to a .npy file. */
export const NPY_ELEMENTS = 4096

const MARK = Symbol('npy')
type Marked = { [MARK]: NamedTensor }

export const asNpy = (tensor: NamedTensor): Marked => ({ [MARK]: tensor })

const DESCR = { float32: '<f4', int64: '<i8' } as const

export function encodeNpy(t: NamedTensor): Uint8Array {
  const descr = DESCR[t.dtype as keyof typeof DESCR]
  if (descr == null) throw new RangeError(`no .npy type for ${t.dtype}`)
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`
  // Magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64.
  header = `${header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ')}\n`
  const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)
  const out = new Uint8Array(10 + header.length + data.byteLength)
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8])
  out.set(new TextEncoder().encode(header), 10)
  out.set(data, 10 + header.length)
  return out
}

/** The tensor of a .npy file this module wrote (tests, and requesters' tools in TypeScript). */
export function decodeNpy(bytes: Uint8Array): {
  dtype: string
  shape: number[]
  data: Float32Array | BigInt64Array
} {
  const length = bytes[8] | (bytes[9] << 8)
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + length))
  const descr = /'descr': '([^']+)'/.exec(header)?.[1]
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map(Number)
  const body = bytes.slice(10 + length)
  if (descr === '<f4') return { dtype: 'float32', shape, data: new Float32Array(body.buffer) }
  if (descr === '<i8') return { dtype: 'int64', shape, data: new BigInt64Array(body.buffer) }
  throw new RangeError(`unsupported .npy type ${descr}`)
}

/** The result with every marked tensor stored as a .npy file and replaced by its reference. */
export async function externalize(result: unknown, files: FileStore): Promise<unknown> {
  if (result == null || typeof result !== 'object') return result
  if (MARK in result) {
    const t = (result as Marked)[MARK]
    return { npy: await files.add(encodeNpy(t)), dtype: t.dtype, shape: t.shape }
  }
  if (Array.isArray(result)) return Promise.all(result.map((v) => externalize(v, files)))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(result)) out[k] = await externalize(v, files)
  return out
}
