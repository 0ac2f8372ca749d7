/**
 * Finite-difference checks of every backward reference: for a random upstream gradient dy, the
 * directional derivative of L(x) = Σ dy ⊙ f(x) along each input coordinate, by central differences,
 * must match what the backward reference returns.
 */
import { describe, expect, it } from 'vitest'
import { createPrng, uniformMatrix } from '../../work/prng.ts'
import { attentionBackwardRef, attentionRef } from './attention.ref.ts'
import { crossEntropyBackwardRef, crossEntropyRef } from './cross-entropy.ref.ts'
import { elementwiseRef } from './elementwise.ref.ts'
import { embeddingBackwardRef, embeddingRef } from './embedding.ref.ts'
import { gemmRef } from './gemm.ref.ts'
import { layerNormBackwardRef, layerNormRef } from './layernorm.ref.ts'
import { softmaxBackwardRef, softmaxRef } from './softmax.ref.ts'

const random = createPrng(2024)
const rand = (n: number, lo = -1, hi = 1) => uniformMatrix(random, n, lo, hi)
const H = 1e-3

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

/** Central differences of `loss` with respect to every coordinate of `x`. */
function numeric(x: Float32Array, loss: (x: Float32Array) => number): Float64Array {
  const g = new Float64Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const keep = x[i]
    x[i] = keep + H
    const up = loss(x)
    x[i] = keep - H
    const down = loss(x)
    x[i] = keep
    g[i] = (up - down) / (Math.fround(keep + H) - Math.fround(keep - H))
  }
  return g
}

function expectGradient(analytic: ArrayLike<number>, numericGrad: ArrayLike<number>): void {
  // An empty or short backward would otherwise pass coordinate by coordinate.
  expect(numericGrad.length).toBeGreaterThan(0)
  expect(analytic.length).toBe(numericGrad.length)
  const scale = Math.max(1e-3, ...Array.from(numericGrad, Math.abs))
  for (let i = 0; i < analytic.length; i++) {
    expect(Math.abs(analytic[i] - numericGrad[i]) / scale, `coordinate ${i}`).toBeLessThan(2e-3)
  }
}

describe('backward references agree with finite differences', () => {
  it('GELU and ReLU', () => {
    const x = rand(40, -3, 3)
    const dy = rand(40)
    for (const [fwd, bwd] of [
      ['gelu', 'gelu-backward'],
      ['relu', 'relu-backward'],
    ] as const) {
      const analytic = elementwiseRef(bwd, x, dy)
      expectGradient(
        analytic,
        numeric(x, (v) => dot(dy, elementwiseRef(fwd, v))),
      )
    }
  })

  it('softmax (plain, scaled, causal)', () => {
    const [rows, cols] = [4, 6]
    const x = rand(rows * cols, -2, 2)
    const dy = rand(rows * cols)
    for (const options of [{}, { scale: 0.5 }, { causal: 2 }]) {
      const scale = 'scale' in options ? options.scale : 1
      const y = softmaxRef(x, rows, cols, options)
      const analytic = softmaxBackwardRef(y, dy, rows, cols, scale)
      expectGradient(
        analytic,
        numeric(x, (v) => dot(dy, softmaxRef(v, rows, cols, options))),
      )
    }
  })

  it('layernorm: input, gain and bias', () => {
    const [rows, cols] = [3, 7]
    const x = rand(rows * cols, -2, 2)
    const gamma = rand(cols, 0.5, 1.5)
    const beta = rand(cols)
    const dy = rand(rows * cols)
    const { mean, rstd } = layerNormRef(x, gamma, beta, rows, cols)
    const grads = layerNormBackwardRef(x, gamma, mean, rstd, dy, rows, cols)
    expectGradient(
      grads.dx,
      numeric(x, (v) => dot(dy, layerNormRef(v, gamma, beta, rows, cols).y)),
    )
    expectGradient(
      grads.dgamma,
      numeric(gamma, (g) => dot(dy, layerNormRef(x, g, beta, rows, cols).y)),
    )
    expectGradient(
      grads.dbeta,
      numeric(beta, (b) => dot(dy, layerNormRef(x, gamma, b, rows, cols).y)),
    )
  })

  it('cross-entropy with logits', () => {
    const [rows, cols] = [5, 7]
    const logits = rand(rows * cols, -3, 3)
    const targets = Uint32Array.from({ length: rows }, (_, i) => (i * 3) % cols)
    expectGradient(
      crossEntropyBackwardRef(logits, targets, rows, cols),
      numeric(logits, (v) => crossEntropyRef(v, targets, rows, cols)),
    )
  })

  it('embedding gather', () => {
    const [vocab, dim] = [5, 3]
    const table = rand(vocab * dim)
    const ids = Uint32Array.of(0, 3, 3, 1, 4, 3)
    const dy = rand(ids.length * dim)
    expectGradient(
      embeddingBackwardRef(dy, ids, vocab, dim),
      numeric(table, (t) => dot(dy, embeddingRef(t, ids, dim))),
    )
  })

  it('GEMM with transposes (the pieces of every linear layer backward)', () => {
    const [m, n, k] = [3, 4, 5]
    const a = rand(m * k)
    const b = rand(k * n)
    const dy = rand(m * n)
    // dA = dY·Bᵀ, dB = Aᵀ·dY
    expectGradient(
      gemmRef(dy, b, m, k, n, { transB: true }),
      numeric(a, (v) => dot(dy, gemmRef(v, b, m, n, k))),
    )
    expectGradient(
      gemmRef(a, dy, k, n, m, { transA: true }),
      numeric(b, (v) => dot(dy, gemmRef(a, v, m, n, k))),
    )
  })

  it('causal self-attention: Q, K and V', () => {
    const [t, d] = [5, 3]
    const [q, k, v, dout] = [rand(t * d), rand(t * d), rand(t * d), rand(t * d)]
    const { probs } = attentionRef(q, k, v, t, d)
    const grads = attentionBackwardRef(q, k, v, probs, dout, t, d)
    expectGradient(
      grads.dq,
      numeric(q, (x) => dot(dout, attentionRef(x, k, v, t, d).out)),
    )
    expectGradient(
      grads.dk,
      numeric(k, (x) => dot(dout, attentionRef(q, x, v, t, d).out)),
    )
    expectGradient(
      grads.dv,
      numeric(v, (x) => dot(dout, attentionRef(q, k, x, t, d).out)),
    )
  })
})
