/**
 * The check of one returned tile, run on a validator worker thread (WorkerTask): shape, finiteness,
 * then Freivalds against the layer's weights, which the worker reads from shared memory.
 */
import type { Verdict } from '../kind.ts'
import { cryptoRandomWords, freivalds, freivaldsFlops, rowNorms } from './freivalds.ts'
import type { Matrix } from './matrix.ts'

export interface TileCheck {
  /** The tile's rows of X: m × K. */
  a: Matrix
  /** The whole layer's W (K × N, row-major), usually a view of a SharedArrayBuffer. */
  weights: Matrix
  col0: number
  n: number
  /** The contributor's C. */
  c: Matrix
  /** ‖b_j‖ of the tile's columns, computed once per layer (‖a_i‖ costs m·K: taken here). */
  colNorms: Float64Array
  rounds: number
  blockWidth: number
}

export type TileVerdict = Verdict & { verifyFlops: number }

let randomWord: (() => number) | undefined

export function checkTile({ a, weights, col0, n, c, colNorms, rounds, blockWidth }: TileCheck): TileVerdict {
  if (c.rows !== a.rows || c.cols !== n) {
    return {
      ok: false,
      reason: 'wrong-shape',
      message: `result is ${c.rows}x${c.cols}, the lease was for ${a.rows}x${n}`,
      verifyFlops: 0,
    }
  }
  for (let i = 0; i < c.data.length; i++) {
    if (!Number.isFinite(c.data[i])) {
      return { ok: false, reason: 'non-finite', message: `element ${i} is ${c.data[i]}`, verifyFlops: 0 }
    }
  }
  randomWord ??= cryptoRandomWords()
  const options = {
    randomWord,
    rounds,
    blockWidth,
    norms: { rows: rowNorms(a), cols: colNorms },
    bView: { stride: weights.cols, offset: col0 },
  }
  const outcome = freivalds(a, { rows: weights.rows, cols: n, data: weights.data }, c, options)
  const verifyFlops = freivaldsFlops(a.rows, n, a.cols, options)
  return outcome.ok
    ? { ok: true, quality: 1, detail: `Freivalds ratio ${outcome.worstRatio.toFixed(3)}`, verifyFlops }
    : {
        ok: false,
        reason: 'verification-failed',
        message: `Freivalds check failed in row ${outcome.row}, block ${outcome.block} (${outcome.worstRatio.toFixed(2)}x the f32 tolerance)`,
        verifyFlops,
      }
}
