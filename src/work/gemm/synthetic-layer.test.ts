import { describe, expect, it } from 'vitest'
import { createSyntheticLayer } from './synthetic-layer.ts'

describe('synthetic layer', () => {
  const options = { seed: 9, batchRows: 100, inFeatures: 33, outFeatures: 70 }

  it('is deterministic from the seed and differs between seeds and batches', () => {
    const one = createSyntheticLayer(options)
    const two = createSyntheticLayer(options)
    expect(one.rows(2, 10, 5).data).toEqual(two.rows(2, 10, 5).data)
    expect(one.weights.data).toEqual(two.weights.data)
    expect(createSyntheticLayer({ ...options, seed: 10 }).weights.data).not.toEqual(one.weights.data)
    expect(one.rows(3, 10, 5).data).not.toEqual(one.rows(2, 10, 5).data)
  })

  it('gives any range of rows of a batch, and refuses ranges outside it', () => {
    const layer = createSyntheticLayer(options)
    const all = layer.rows(0, 0, 100)
    expect(layer.rows(0, 40, 3).data).toEqual(all.data.slice(40 * 33, 43 * 33))
    expect(() => layer.rows(0, 99, 2)).toThrow(RangeError)
    expect(() => layer.rows(-1, 0, 1)).toThrow(RangeError)
  })
})
