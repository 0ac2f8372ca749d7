/**
 * Every non-GEMM kernel against its CPU reference in real WebGPU, on odd and aligned sizes. Tolerances
 * follow each op's rounding: elementwise ops a few ulps (tanh-based GELU more, since WGSL's tanh is
 * not correctly rounded), reductions of length n about n·u relative to the row's scale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GpuRuntime } from '../runtime.ts'
import { adamwRef } from './adamw.ref.ts'
import { adamw } from './adamw.ts'
import { attentionBackwardRef, attentionRef } from './attention.ref.ts'
import { attention, attentionBackward } from './attention.ts'
import { crossEntropyBackwardRef, crossEntropyRef } from './cross-entropy.ref.ts'
import { crossEntropy, crossEntropyBackward } from './cross-entropy.ts'
import { type ElementwiseOp, elementwiseRef } from './elementwise.ref.ts'
import { elementwise } from './elementwise.ts'
import { embeddingBackwardRef, embeddingRef } from './embedding.ref.ts'
import { embedding, embeddingBackward } from './embedding.ts'
import { layerNormBackwardRef, layerNormRef } from './layernorm.ref.ts'
import { layerNorm, layerNormBackward } from './layernorm.ts'
import { multiheadAttentionBackwardRef, multiheadAttentionRef } from './multihead-attention.ref.ts'
import { multiheadAttention, multiheadAttentionBackward } from './multihead-attention.ts'
import { softmaxBackwardRef, softmaxRef } from './softmax.ref.ts'
import { softmax, softmaxBackward } from './softmax.ts'
import { data, expectClose, ids, read, testRuntime, U } from './test-helpers.ts'

const SIZES = [1, 7, 63, 65, 257]

let rt: GpuRuntime
beforeAll(async () => {
  rt = await testRuntime()
})
afterAll(() => rt?.destroy())

describe('elementwise', () => {
  const ops: Array<[ElementwiseOp, number]> = [
    ['add', 2 * U],
    ['sub', 2 * U],
    ['mul', 2 * U],
    ['scale', 2 * U],
    ['axpy', 4 * U],
    ['relu', 0],
    ['relu-backward', 0],
    ['gelu', 1e-5],
    ['gelu-backward', 1e-5],
  ]
  it.each(ops)('%s', async (op, rel) => {
    for (const n of [...SIZES, 70_000]) {
      const x = data(n, n, -4, 4)
      const y = data(n, n + 1, -2, 2)
      const out = elementwise(rt, op, rt.tensor([n], x), rt.tensor([n], y), 0.37)
      expectClose(await read(rt, out), elementwiseRef(op, x, y, 0.37), { rel, abs: rel === 0 ? 0 : 1e-6 })
    }
  })
})

describe('softmax', () => {
  it('takes the subgroup path wherever the adapter has subgroups', async () => {
    // SwiftShader has them, so the subgroup kernel below is exercised here, not only on real GPUs.
    const adapter = await navigator.gpu.requestAdapter()
    expect(rt.caps.subgroups).toBe(adapter?.features.has('subgroups') ?? false)
  })

  for (const subgroups of [true, false]) {
    it(`rows sum to one and match the reference (subgroups ${subgroups ? 'on if available' : 'off'})`, async () => {
      for (const cols of SIZES) {
        const rows = 5
        const x = data(rows * cols, cols, -6, 6)
        const got = await read(rt, softmax(rt, rt.tensor([rows, cols], x), { scale: 0.7, subgroups }))
        expectClose(got, softmaxRef(x, rows, cols, { scale: 0.7 }), { rel: (cols + 16) * U, abs: 1e-7 })
      }
    })

    it(`masks the future in causal mode (subgroups ${subgroups ? 'on if available' : 'off'})`, async () => {
      const t = 65
      const x = data(2 * t * t, 9, -3, 3)
      const got = await read(rt, softmax(rt, rt.tensor([2 * t, t], x), { causal: t, subgroups }))
      expectClose(got, softmaxRef(x, 2 * t, t, { causal: t }), { rel: (t + 16) * U, abs: 1e-7 })
      expect(got[1]).toBe(0)
    })
  }

  it('backward matches the reference', async () => {
    for (const cols of SIZES) {
      const rows = 4
      const y = softmaxRef(data(rows * cols, 1), rows, cols)
      const dy = data(rows * cols, 2)
      const got = await read(
        rt,
        softmaxBackward(rt, rt.tensor([rows, cols], y), rt.tensor([rows, cols], dy), 0.5),
      )
      expectClose(got, softmaxBackwardRef(y, dy, rows, cols, 0.5), { rel: (cols + 16) * U, abs: 1e-7 })
    }
  })
})

describe('layernorm', () => {
  it('forward and backward match the reference', async () => {
    for (const cols of SIZES) {
      const rows = 6
      const x = data(rows * cols, cols, -3, 5)
      const gamma = data(cols, 2, 0.5, 1.5)
      const beta = data(cols, 3)
      const dy = data(rows * cols, 4)
      const ref = layerNormRef(x, gamma, beta, rows, cols)
      const [tx, tg] = [rt.tensor([rows, cols], x), rt.tensor([cols], gamma)]
      const { y, stats } = layerNorm(rt, tx, tg, rt.tensor([cols], beta))
      const tol = { rel: 4 * (cols + 16) * U, abs: 4 * (cols + 16) * U }
      expectClose(await read(rt, y), ref.y, tol)
      const grads = layerNormBackward(rt, tx, tg, stats, rt.tensor([rows, cols], dy))
      const want = layerNormBackwardRef(x, gamma, ref.mean, ref.rstd, dy, rows, cols)
      expectClose(await read(rt, grads.dx), want.dx, tol)
      expectClose(await read(rt, grads.dgamma), want.dgamma, tol)
      expectClose(await read(rt, grads.dbeta), want.dbeta, tol)
    }
  })
})

describe('cross-entropy', () => {
  it('loss and logit gradient match the reference', async () => {
    for (const vocab of SIZES) {
      const rows = 9
      const logits = data(rows * vocab, vocab, -5, 5)
      const targets = ids(rows, vocab, 7)
      const tl = rt.tensor([rows, vocab], logits)
      const tt = rt.tensor([rows], targets)
      const losses = await read(rt, crossEntropy(rt, tl, tt))
      const mean = losses.reduce((s, x) => s + x, 0) / rows
      expect(Math.abs(mean - crossEntropyRef(logits, targets, rows, vocab))).toBeLessThanOrEqual(
        1e-5 * (1 + mean),
      )
      expectClose(
        await read(rt, crossEntropyBackward(rt, tl, tt)),
        crossEntropyBackwardRef(logits, targets, rows, vocab),
        {
          rel: (vocab + 16) * U,
          abs: 1e-7,
        },
      )
    }
  })
})

describe('embedding', () => {
  it('gathers rows and scatter-adds gradients', async () => {
    for (const dim of [1, 7, 65]) {
      const vocab = 13
      const table = data(vocab * dim, dim)
      const tokens = ids(40, vocab, dim)
      const tIds = rt.tensor([tokens.length], tokens)
      expect(await read(rt, embedding(rt, rt.tensor([vocab, dim], table), tIds))).toEqual(
        embeddingRef(table, tokens, dim),
      )
      const dout = data(tokens.length * dim, 3)
      const got = await read(rt, embeddingBackward(rt, rt.tensor([tokens.length, dim], dout), tIds, vocab))
      expectClose(got, embeddingBackwardRef(dout, tokens, vocab, dim), { rel: 64 * U, abs: 1e-6 })
    }
  })
})

describe('adamw', () => {
  it('takes the same steps as the reference', async () => {
    const n = 1000
    const p = data(n, 1)
    const m = new Float32Array(n)
    const v = new Float32Array(n)
    const [tp, tm, tv] = [rt.tensor([n], p), rt.tensor([n], m), rt.tensor([n], v)]
    for (let step = 1; step <= 3; step++) {
      const g = data(n, 10 + step)
      const config = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step }
      adamw(rt, tp, rt.tensor([n], g), tm, tv, config)
      adamwRef(p, g, m, v, config)
    }
    expectClose(await read(rt, tp), p, { rel: 1e-5, abs: 1e-6 })
    expectClose(await read(rt, tm), m, { rel: 1e-5, abs: 1e-7 })
  })
})

describe('causal self-attention', () => {
  it('forward and backward match the reference', async () => {
    for (const [t, d] of [
      [1, 1],
      [7, 5],
      [65, 16],
    ]) {
      const [q, k, v, dout] = [1, 2, 3, 4].map((s) => data(t * d, s * 31 + t))
      const [tq, tk, tv] = [q, k, v].map((x) => rt.tensor([t, d], x))
      const ref = attentionRef(q, k, v, t, d)
      const fwd = attention(rt, tq, tk, tv)
      const tol = { rel: 8 * (t + d + 16) * U, abs: 8 * (t + d + 16) * U }
      expectClose(await read(rt, fwd.out), ref.out, tol)
      const grads = attentionBackward(rt, tq, tk, tv, fwd.probs, rt.tensor([t, d], dout))
      const want = attentionBackwardRef(q, k, v, ref.probs, dout, t, d)
      expectClose(await read(rt, grads.dq), want.dq, tol)
      expectClose(await read(rt, grads.dk), want.dk, tol)
      expectClose(await read(rt, grads.dv), want.dv, tol)
    }
  })
})

describe('causal multi-head attention from fused QKV', () => {
  it('forward and backward match the reference', async () => {
    for (const shape of [
      { batch: 1, t: 1, heads: 1, width: 4 },
      { batch: 3, t: 7, heads: 2, width: 10 },
      { batch: 2, t: 64, heads: 4, width: 32 },
    ]) {
      const n = shape.batch * shape.t
      const qkv = data(n * 3 * shape.width, shape.t)
      const dout = data(n * shape.width, shape.t + 1)
      const ref = multiheadAttentionRef(qkv, shape)
      const tq = rt.tensor([n, 3 * shape.width], qkv)
      const fwd = multiheadAttention(rt, tq, shape)
      const hd = shape.width / shape.heads
      const tol = { rel: 8 * (shape.t + hd + 16) * U, abs: 8 * (shape.t + hd + 16) * U }
      expectClose(await read(rt, fwd.out), ref.out, tol)
      expectClose(await read(rt, fwd.probs), ref.probs, tol)
      const dqkv = multiheadAttentionBackward(rt, tq, fwd.probs, rt.tensor([n, shape.width], dout), shape)
      expectClose(await read(rt, dqkv), multiheadAttentionBackwardRef(qkv, ref.probs, dout, shape), tol)
    }
  })
})
