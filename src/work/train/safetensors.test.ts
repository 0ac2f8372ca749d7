import { describe, expect, it } from 'vitest'
import { decodeWeights, encodeWeights } from './checkpoint.ts'
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts'

const file = {
  meta: { step: 7, model: { width: 4 }, run: 'abcd1234' },
  tensors: [
    { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    { name: 'b', shape: [1], data: Float32Array.of(-0.5) },
  ],
}

/** A safetensors file as another writer (PyTorch's) lays it out: its own header, its own dtypes. */
function foreign(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header))
  const out = new Uint8Array(8 + json.length + data.length)
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true)
  out.set(json, 8)
  out.set(data, 8 + json.length)
  return out
}

describe('safetensors', () => {
  it('writes what the format says: a header length, a JSON header of dtype, shape and offsets, the f32 bytes', () => {
    const bytes = encodeSafetensors(file)
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true))
    expect((8 + length) % 8).toBe(0)
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)))
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] })
    expect(header.b).toEqual({ dtype: 'F32', shape: [1], data_offsets: [24, 28] })
    expect(header.__metadata__).toEqual({ step: '7', model: '{"width":4}', run: '"abcd1234"' })
    expect([...new Float32Array(bytes.slice(8 + length).buffer)]).toEqual([1, 2, 3, 4, 5, 6, -0.5])
    expect(decodeWeights(encodeWeights(file))).toEqual(file)
  })

  it('reads a file from another writer: any tensor order, F16 and BF16 converted, metadata kept as text', () => {
    // 1.0 and -2.0 as F16 (0x3c00, 0xc000) and BF16 (0x3f80, 0xc000), little-endian.
    const data = Uint8Array.of(0x80, 0x3f, 0x00, 0xc0, 0x00, 0x3c, 0x00, 0xc0)
    const read = decodeSafetensors(
      foreign(
        {
          'h.weight': { dtype: 'F16', shape: [2], data_offsets: [4, 8] },
          'b.weight': { dtype: 'BF16', shape: [2], data_offsets: [0, 4] },
          __metadata__: { format: 'pt' },
        },
        data,
      ),
    )
    expect(read.meta).toEqual({ format: 'pt' })
    expect(read.tensors.map((t) => [t.name, [...t.data]])).toEqual([
      ['b.weight', [1, -2]],
      ['h.weight', [1, -2]],
    ])
  })

  it('refuses what is not safetensors with a WeightsFormatError: truncated, bad offsets, unknown dtypes', () => {
    const bytes = encodeSafetensors(file)
    const refused = (b: Uint8Array) =>
      expect(() => decodeWeights(b)).toThrow(expect.objectContaining({ name: 'WeightsFormatError' }))
    refused(bytes.subarray(0, 6))
    refused(bytes.subarray(0, bytes.byteLength - 4))
    refused(foreign({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)))
    refused(foreign({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)))
    refused(Uint8Array.of(255, 255, 255, 255, 0, 0, 0, 0, 1, 2))
  })
})
