import { describe, expect, it } from 'vitest'
import { gemmRef } from '../../gpu/kernels/gemm.ref.ts'
import { createPrng, uniformMatrix } from '../prng.ts'
import {
  colNorms,
  cryptoRandomWords,
  F32_UNIT_ROUNDOFF,
  freivalds,
  freivaldsFlops,
  rowNorms,
} from './freivalds.ts'
import type { Matrix } from './matrix.ts'
import { createSyntheticLayer } from './synthetic-layer.ts'
import { GEMM_DEFAULTS } from './validator.ts'

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

function columnsOf(w: Matrix, col0: number, n: number): Matrix {
  const data = new Float32Array(w.rows * n)
  for (let l = 0; l < w.rows; l++) data.set(w.data.subarray(l * w.cols + col0, l * w.cols + col0 + n), l * n)
  return { rows: w.rows, cols: n, data }
}

// The default layer's inner dimension (K = 4096) is what sets the tolerance: rows and blocks of
// columns are checked independently, so detection at the largest default tile (1024 x 4096) is
// detection on any of its rows and 64-column blocks. Slices of it keep the test fast.
const layer = createSyntheticLayer({
  seed: 42,
  batchRows: 64,
  inFeatures: GEMM_DEFAULTS.inFeatures,
  outFeatures: 512,
})
const slice = (row0: number, m: number, col0: number, n: number) => ({
  a: layer.rows(0, row0, m),
  b: columnsOf(layer.weights, col0, n),
})

describe('freivalds', () => {
  it('accepts honest f32 products: f64 accumulation, worst-order f32 accumulation, signed data', () => {
    const random = createPrng(1)
    const cases: Array<[Matrix, Matrix]> = [
      [slice(0, 4, 0, 128).a, slice(0, 4, 0, 128).b],
      [slice(9, 3, 300, 70).a, slice(9, 3, 300, 70).b],
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
        const outcome = freivalds(a, b, c, { randomWord: cryptoRandomWords(), rounds: 4 })
        expect(outcome.ok).toBe(true)
        expect(outcome.worstRatio).toBeLessThan(0.3)
      }
    }
  })

  it('catches a single element off by 1e-3 relative in at least 99.9% of 10,000 trials at the default K', () => {
    const random = createPrng(7)
    const randomWord = words(8)
    const tiles = Array.from({ length: 4 }, (_, t) => {
      const { a, b } = slice(t * 8, 8, t * 64, 64)
      return { a, b, c: product(a, b), norms: { rows: rowNorms(a), cols: colNorms(b) } }
    })
    const trials = 10_000
    let caught = 0
    for (let trial = 0; trial < trials; trial++) {
      const { a, b, c, norms } = tiles[trial % tiles.length]
      const data = c.data.slice()
      const index = Math.floor(random() * data.length)
      data[index] *= random() < 0.5 ? 1 + 1e-3 : 1 - 1e-3
      if (!freivalds(a, b, { ...c, data }, { randomWord, norms }).ok) caught++
    }
    expect(caught / trials).toBeGreaterThanOrEqual(0.999)
  })

  it('catches errors spread over a row that could cancel: one round mostly, two rounds almost always', () => {
    const { a, b } = slice(0, 4, 0, 64)
    const c = product(a, b)
    const norms = { rows: rowNorms(a), cols: colNorms(b) }
    const caught = (rounds: number) => {
      const randomWord = words(3 + rounds)
      let n = 0
      for (let trial = 0; trial < 2000; trial++) {
        const data = c.data.slice()
        // +d and -d in one block: they cancel only if r_j1 and r_j2 nearly agree (freivalds.ts).
        const d = 0.05 * data[1 * 64 + 1]
        data[1 * 64 + 1] += d
        data[1 * 64 + 9] -= d
        if (!freivalds(a, b, { ...c, data }, { randomWord, norms, rounds }).ok) n++
      }
      return n / 2000
    }
    expect(caught(1)).toBeGreaterThanOrEqual(0.95)
    expect(caught(2)).toBeGreaterThanOrEqual(0.995)
  })

  it('rejects NaN and Inf', () => {
    const { a, b } = slice(0, 2, 0, 64)
    const c = product(a, b)
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const data = c.data.slice()
      data[17] = bad
      expect(freivalds(a, b, { ...c, data }, { randomWord: words(1) }).ok).toBe(false)
    }
  })

  it('derives its tolerance from K, f32 roundoff and the operands: an error just past it is caught', () => {
    // One row, one block of one column: tau = c·u·sqrt(2K - 1)·|a|·|r|·|b|, and |r| is at least 1.
    const a = { rows: 1, cols: 4, data: Float32Array.of(1, -2, 3, -4) }
    const b = { rows: 4, cols: 1, data: Float32Array.of(1, 1, 1, 1) }
    const tau = 8 * F32_UNIT_ROUNDOFF * Math.sqrt(7) * Math.sqrt(30) * 2
    const exact = -2
    const within = { rows: 1, cols: 1, data: Float32Array.of(exact + 0.5 * tau) }
    const beyond = { rows: 1, cols: 1, data: Float32Array.of(exact + 1.6 * tau) }
    expect(freivalds(a, b, within, { randomWord: words(2), blockWidth: 1 }).ok).toBe(true)
    expect(freivalds(a, b, beyond, { randomWord: words(2), blockWidth: 1 }).ok).toBe(false)
  })

  it('costs at most 2% of the work for the default tiles', () => {
    const [m, n] = GEMM_DEFAULTS.maxTile
    const k = GEMM_DEFAULTS.inFeatures
    for (const [rows, cols] of [
      [m, n],
      [1024, 1024],
      [512, 2048],
    ]) {
      const ratio =
        freivaldsFlops(rows, cols, k, { norms: { rows: new Float64Array(), cols: new Float64Array() } }) /
        (2 * rows * cols * k)
      expect(ratio).toBeLessThanOrEqual(0.02)
    }
  })
})
