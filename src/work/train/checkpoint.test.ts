import { describe, expect, it } from 'vitest'
import { createPrng } from '../prng.ts'
import { decodeWeights, encodeWeights } from './checkpoint.ts'
import { compareVectors } from './compare.ts'
import { compressInt8, decompressInt8 } from './compress.ts'

describe('the weights file', () => {
  const file = {
    meta: { step: 7, model: { width: 4 } },
    tensors: [
      { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: 'b', shape: [1], data: Float32Array.of(-0.5) },
    ],
  }

  it('round-trips names, shapes, values and metadata, from any byte offset', () => {
    const bytes = encodeWeights(file)
    const shifted = new Uint8Array(bytes.byteLength + 1)
    shifted.set(bytes, 1)
    for (const b of [bytes, shifted.subarray(1), Buffer.from(bytes)]) {
      const back = decodeWeights(b)
      expect(back.meta).toEqual(file.meta)
      expect(back.tensors.map((t) => [t.name, t.shape, [...t.data]])).toEqual(
        file.tensors.map((t) => [t.name, t.shape, [...t.data]]),
      )
    }
  })

  it('refuses files that are not whole, not this format or not this version', () => {
    const bytes = encodeWeights(file)
    const fails = (b: Uint8Array) =>
      expect(() => decodeWeights(b)).toThrow(expect.objectContaining({ name: 'WeightsFormatError' }))
    fails(bytes.subarray(0, bytes.byteLength - 4))
    fails(bytes.subarray(0, 8))
    const other = bytes.slice()
    other[0] ^= 1
    fails(other)
    const newer = bytes.slice()
    newer[4] = 2
    fails(newer)
    const extra = new Uint8Array(bytes.byteLength + 4)
    extra.set(bytes)
    fails(extra)
  })
})

describe('int8 block compression', () => {
  it('keeps Gaussian-like vectors within 1% relative L2 error at a quarter of the bytes', () => {
    const random = createPrng(1)
    const x = Float32Array.from({ length: 10_000 }, () => (random() + random() + random() - 1.5) * 1e-3)
    const c = compressInt8(x)
    const cmp = compareVectors(decompressInt8(c), x)
    expect(cmp.relativeL2).toBeLessThan(0.01)
    expect(cmp.cosine).toBeGreaterThan(0.9999)
    expect(c.values.byteLength + c.scales.byteLength).toBeLessThan(x.byteLength * 0.26)
  })

  it('maps the largest magnitude of each block to ±127, rounds to nearest, and keeps a non-finite block non-finite', () => {
    // Two blocks of four: scales 1/127 and 2/127.
    const c = compressInt8(Float32Array.of(0, 0.5, -1, 1, 2, -2, 0.01, 0), 4)
    expect([...c.scales]).toEqual([Math.fround(1 / 127), Math.fround(2 / 127)])
    expect([...c.values]).toEqual([0, 64, -127, 127, 127, -127, 1, 0])
    // Decompression is values × scale, so every validator rebuilds the same vector from the bytes.
    expect([...decompressInt8(c)]).toEqual([...c.values].map((v, i) => Math.fround(v * c.scales[i >> 2])))
    const x = Float32Array.from({ length: 600 }, (_, i) => Math.sin(i))
    x[300] = Number.NaN
    expect(Number.isNaN(compressInt8(x).scales[1])).toBe(true)
  })
})
