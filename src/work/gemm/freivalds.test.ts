import { describe, expect, it } from 'vitest'
import { gemmRef } from '../../gpu/kernels/gemm.ref.ts'
import type { Matrix } from '../../protocol/types.ts'
import { createPrng, uniformMatrix } from '../prng.ts'
import { cryptoRandomWords, freivalds, rowTolerances } from './freivalds.ts'
import { createSyntheticLayer } from './synthetic-layer.ts'

function words(seed: number): () => number {
  const random = createPrng(seed)
  return () => (random() * 2 ** 32) >>> 0
}

/** C computed the way a naive GPU thread would: f32 products summed left to right in f32. */
function gemmF32Sequential(a: Matrix, b: Matrix): Matrix {
  const { rows: m, cols: k } = a
  const n = b.cols
  const c = new Float32Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let l = 0; l < k; l++) s = Math.fround(s + Math.fround(a.data[i * k + l] * b.data[l * n + j]))
      c[i * n + j] = s
    }
  }
  return { rows: m, cols: n, data: c }
}

function product(a: Matrix, b: Matrix): Matrix {
  return { rows: a.rows, cols: b.cols, data: gemmRef(a.data, b.data, a.rows, b.cols, a.cols) }
}

const layer = createSyntheticLayer({
  seed: 42,
  batchRows: 256,
  inFeatures: 256,
  outFeatures: 256,
  tileRows: 64,
  tileCols: 64,
})

describe('freivalds', () => {
  it('accepts honest f32 products, including worst-order f32 accumulation and signed data', () => {
    const random = createPrng(1)
    const cases: Array<[Matrix, Matrix]> = [
      [layer.tile(0, 0).a, layer.tile(0, 0).b],
      [layer.tile(3, 5).a, layer.tile(3, 5).b],
    ]
    for (const [m, k, n] of [
      [1, 1, 1],
      [7, 63, 65],
      [33, 257, 17],
      [64, 1024, 64],
    ]) {
      cases.push([
        { rows: m, cols: k, data: uniformMatrix(random, m * k, -1, 1) },
        { rows: k, cols: n, data: uniformMatrix(random, k * n, -1, 1) },
      ])
    }
    for (const [a, b] of cases) {
      for (const c of [product(a, b), gemmF32Sequential(a, b)]) {
        const outcome = freivalds(a, b, c, { randomWord: cryptoRandomWords() })
        expect(outcome.ok).toBe(true)
        // Well inside the bound (1x1x1 sits at 1/9: one f32 rounding against a 9u tolerance).
        expect(outcome.worstRatio).toBeLessThan(0.2)
      }
    }
  })

  it('catches a single element off by 1e-3 relative in at least 99.9% of 10,000 trials', () => {
    const random = createPrng(7)
    const randomWord = words(8)
    const tiles = Array.from({ length: 8 }, (_, t) => {
      const tile = layer.tile(1, t)
      return { ...tile, c: product(tile.a, tile.b) }
    })
    const trials = 10_000
    let caught = 0
    for (let trial = 0; trial < trials; trial++) {
      const { a, b, c } = tiles[trial % tiles.length]
      const data = c.data.slice()
      const index = Math.floor(random() * data.length)
      data[index] *= random() < 0.5 ? 1 + 1e-3 : 1 - 1e-3
      if (!freivalds(a, b, { ...c, data }, { randomWord }).ok) caught++
    }
    expect(caught / trials).toBeGreaterThanOrEqual(0.999)
  })

  it('catches errors spread over a row that could cancel, with the default rounds', () => {
    const { a, b } = layer.tile(2, 0)
    const c = product(a, b)
    const randomWord = words(3)
    let caught = 0
    for (let trial = 0; trial < 2000; trial++) {
      const data = c.data.slice()
      // +d and -d in one row cancel whenever r_j1 = r_j2: probability 1/2 per round.
      data[5 * c.cols + 1] += 0.5
      data[5 * c.cols + 9] -= 0.5
      if (!freivalds(a, b, { ...c, data }, { randomWord }).ok) caught++
    }
    expect(caught / 2000).toBeGreaterThanOrEqual(0.999)
  })

  it('rejects NaN and Inf', () => {
    const { a, b } = layer.tile(0, 1)
    const c = product(a, b)
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const data = c.data.slice()
      data[17] = bad
      expect(freivalds(a, b, { ...c, data }, { randomWord: words(1) }).ok).toBe(false)
    }
  })

  it('derives its tolerance from K, f32 roundoff and the operands', () => {
    const a = { rows: 1, cols: 4, data: Float32Array.of(1, -2, 3, -4) }
    const b = { rows: 4, cols: 2, data: Float32Array.of(1, 1, 1, 1, 1, 1, 1, 1) }
    const [tol] = rowTolerances(a, b, 8)
    const gamma = (8 * Math.sqrt(4) + 1) * 2 ** -24
    // |A| (|B| 1) = (1 + 2 + 3 + 4) * 2 = 20
    expect(tol).toBeCloseTo(gamma * 20, 12)
  })
})
