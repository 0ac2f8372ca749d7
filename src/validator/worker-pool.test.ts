import { afterEach, describe, expect, it } from 'vitest'
import { gemmRef } from '../gpu/kernels/gemm.ref.ts'
import type { TileCheck, TileVerdict } from '../work/gemm/check-tile.ts'
import { colNorms } from '../work/gemm/freivalds.ts'
import { createSyntheticLayer } from '../work/gemm/synthetic-layer.ts'
import { createWorkerPool, WorkerExitedError, type WorkerPool, WorkerTimeoutError } from './worker-pool.ts'

const CHECK_TILE = new URL('../work/gemm/check-tile.ts', import.meta.url).href

describe('verification worker pool', () => {
  let pool: WorkerPool | undefined
  afterEach(() => pool?.stop())

  const tile = (): TileCheck => {
    const layer = createSyntheticLayer({ seed: 3, batchRows: 64, inFeatures: 256, outFeatures: 512 })
    const a = layer.rows(0, 0, 64)
    const n = 512
    const c = { rows: 64, cols: n, data: gemmRef(a.data, layer.weights.data, 64, n, 256) }
    return {
      a,
      weights: layer.weights,
      col0: 0,
      n,
      c,
      colNorms: colNorms(layer.weights),
      rounds: 1,
      blockWidth: 64,
    }
  }

  it('checks a tile on a worker thread, reading the weights from shared memory', async () => {
    pool = createWorkerPool({ size: 2 })
    const honest = tile()
    const bad = tile()
    bad.c.data[100] *= 1.01
    const [ok, caught] = await Promise.all([
      pool.run<TileVerdict>({ module: CHECK_TILE, fn: 'checkTile', args: [honest] }),
      pool.run<TileVerdict>({ module: CHECK_TILE, fn: 'checkTile', args: [bad] }),
    ])
    expect(ok.ok).toBe(true)
    expect(caught).toMatchObject({ ok: false, reason: 'verification-failed' })
    expect(honest.weights.data.buffer).toBeInstanceOf(SharedArrayBuffer)
  })

  it('keeps the event loop free while a check runs', async () => {
    pool = createWorkerPool({ size: 1 })
    await pool.run({ module: CHECK_TILE, fn: 'checkTile', args: [tile()] }) // warm: loader and module
    // Honest, so the check runs to the end; one column per block makes it cost a full product a round.
    const big = createSyntheticLayer({ seed: 4, batchRows: 128, inFeatures: 512, outFeatures: 512 })
    const a = big.rows(0, 0, 128)
    const check: TileCheck = {
      a,
      weights: big.weights,
      col0: 0,
      n: 512,
      c: { rows: 128, cols: 512, data: gemmRef(a.data, big.weights.data, 128, 512, 512) },
      colNorms: colNorms(big.weights),
      rounds: 4,
      blockWidth: 1,
    }
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    const started = performance.now()
    const verdict = await pool.run<TileVerdict>({ module: CHECK_TILE, fn: 'checkTile', args: [check] })
    const ms = performance.now() - started
    clearInterval(timer)
    expect(verdict.ok).toBe(true)
    // A check on the event loop would let no timer fire until it ended.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(ms / 5 / 4))
    expect(ms).toBeGreaterThan(40)
  })

  it('reports a task that throws, and survives a worker that dies', async () => {
    pool = createWorkerPool({ size: 1 })
    await expect(pool.run({ module: CHECK_TILE, fn: 'nothing', args: [] })).rejects.toThrow(/not a function/)
    const dying = pool.run({
      module: 'data:text/javascript,export function die() { process.exit(3) }',
      fn: 'die',
      args: [],
    })
    await expect(dying).rejects.toBeInstanceOf(WorkerExitedError)
    const verdict = await pool.run<TileVerdict>({ module: CHECK_TILE, fn: 'checkTile', args: [tile()] })
    expect(verdict.ok).toBe(true)
  })

  it('gives up on a task that never answers, and replaces its worker', async () => {
    // Long enough for a fresh worker's first task (it imports its module) on a loaded machine.
    pool = createWorkerPool({ size: 1, taskTimeoutMs: 3000 })
    const hanging = pool.run({
      module: 'data:text/javascript,export function hang() { return new Promise(() => {}) }',
      fn: 'hang',
      args: [],
    })
    await expect(hanging).rejects.toBeInstanceOf(WorkerTimeoutError)
    const verdict = await pool.run<TileVerdict>({ module: CHECK_TILE, fn: 'checkTile', args: [tile()] })
    expect(verdict.ok).toBe(true)
  })

  it('runs tasks inline when sized 0', async () => {
    pool = createWorkerPool({ size: 0 })
    const verdict = await pool.run<TileVerdict>({ module: CHECK_TILE, fn: 'checkTile', args: [tile()] })
    expect(verdict.ok).toBe(true)
  })
})
