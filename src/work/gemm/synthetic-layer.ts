/**
 * The work the embedded validator hands out: the forward pass Y = X·W of a linear layer. W is fixed by
 * the seed; each batch index gives a fresh X. Both are derived from the seed alone, so a validator
 * restarted with the same seed rebuilds exactly the shards it had granted.
 *
 * Activations are nonnegative (as after a ReLU) and weights have a positive mean, so outputs sit
 * well away from zero: Freivalds' tolerance scales with ‖x_i‖·‖w_j‖ (see freivalds.ts), and this
 * keeps a 1e-3 relative error in any single output element above it for the default shapes.
 */
import { createPrng, mixSeed, uniformMatrix } from '../prng.ts'
import type { Matrix } from './matrix.ts'

export interface SyntheticLayerOptions {
  seed: number
  /** Rows of X per batch (M of one batch's product). */
  batchRows: number
  /** Inner dimension K: the layer's input features. */
  inFeatures: number
  /** Columns of W (N of the product): the layer's output features. */
  outFeatures: number
}

export const WEIGHT_RANGE = [-0.25, 1] as const
export const ACTIVATION_RANGE = [0, 1] as const

export interface SyntheticLayer {
  readonly options: SyntheticLayerOptions
  /** K × N, row-major. */
  readonly weights: Matrix
  /** Rows [row0, row0 + m) of batch `batch`'s X: m × K. */
  rows(batch: number, row0: number, m: number): Matrix
}

export function createSyntheticLayer(options: SyntheticLayerOptions): SyntheticLayer {
  const { seed, batchRows, inFeatures, outFeatures } = options
  for (const [name, value] of Object.entries({ batchRows, inFeatures, outFeatures })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`)
  }
  const length = inFeatures * outFeatures
  // Shared memory: verification workers read W without a copy each.
  const shared = new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT))
  const weights: Matrix = {
    rows: inFeatures,
    cols: outFeatures,
    data: uniformMatrix(createPrng(mixSeed(seed, 0x57)), length, ...WEIGHT_RANGE, shared),
  }
  return {
    options,
    weights,
    rows(batch, row0, m) {
      if (!Number.isSafeInteger(batch) || batch < 0) throw new RangeError(`batch ${batch} is not an index`)
      if (!Number.isInteger(row0) || !Number.isInteger(m) || row0 < 0 || m < 1 || row0 + m > batchRows) {
        throw new RangeError(`rows ${row0}..${row0 + m} are outside 0..${batchRows}`)
      }
      // Each row from its own stream: a tile costs its own rows, not the whole batch.
      const data = new Float32Array(m * inFeatures)
      for (let r = 0; r < m; r++) {
        const random = createPrng(mixSeed(seed, 0x58, batch, row0 + r))
        uniformMatrix(
          random,
          inFeatures,
          ...ACTIVATION_RANGE,
          data.subarray(r * inFeatures, (r + 1) * inFeatures),
        )
      }
      return { rows: m, cols: inFeatures, data }
    },
  }
}
