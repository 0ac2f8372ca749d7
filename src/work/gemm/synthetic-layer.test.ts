import { describe, expect, it } from 'vitest'
import { createSyntheticLayer } from './synthetic-layer.ts'

describe('synthetic layer', () => {
  const options = { seed: 9, batchRows: 100, inFeatures: 33, outFeatures: 70, tileRows: 64, tileCols: 64 }

  it('is deterministic from the seed and differs between seeds and batches', () => {
    const one = createSyntheticLayer(options).tile(2, 1)
    const two = createSyntheticLayer(options).tile(2, 1)
    expect(one.a.data).toEqual(two.a.data)
    expect(one.b.data).toEqual(two.b.data)
    expect(createSyntheticLayer({ ...options, seed: 10 }).tile(2, 1).b.data).not.toEqual(one.b.data)
    expect(createSyntheticLayer(options).tile(3, 1).a.data).not.toEqual(one.a.data)
  })

  it('covers the whole product with edge tiles when sides are not tile multiples', () => {
    const layer = createSyntheticLayer(options)
    expect(layer.tilesPerBatch).toBe(4)
    const shapes = Array.from({ length: 4 }, (_, t) => {
      const { a, b } = layer.tile(0, t)
      return [a.rows, a.cols, b.rows, b.cols]
    })
    expect(shapes).toEqual([
      [64, 33, 33, 64],
      [64, 33, 33, 6],
      [36, 33, 33, 64],
      [36, 33, 33, 6],
    ])
    expect(() => layer.tile(0, 4)).toThrow(RangeError)
  })
})
