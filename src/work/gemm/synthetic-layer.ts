/**
 * The work the embedded validator hands out: the forward pass Y = X·W of a linear layer, cut into
 * output tiles. W is fixed by the seed; each batch index gives a fresh X. Both are derived from the
 * seed alone, so a validator restarted with the same seed and batch counter issues identical tiles.
 *
 * Activations are nonnegative (as after a ReLU) and weights have a positive mean, so outputs sit
 * well away from zero: Freivalds' tolerance scales with |X|·|W| (see freivalds.ts), and this keeps a
 * 1e-3 relative error in any single output element above it for the default shapes.
 */
import type { Matrix } from '../../protocol/types.ts'
import { createPrng, mixSeed, uniformMatrix } from '../prng.ts'

export interface SyntheticLayerOptions {
  seed: number
  /** Rows of X per batch (M of the full product). */
  batchRows: number
  /** Inner dimension K: the layer's input features. */
  inFeatures: number
  /** Columns of W (N of the full product): the layer's output features. */
  outFeatures: number
  /** Output tile height and width; edge tiles are smaller when the sides are not multiples. */
  tileRows: number
  tileCols: number
}

export interface GemmTile {
  batch: number
  tile: number
  /** Rows of X for this tile: m x k. */
  a: Matrix
  /** Columns of W for this tile: k x n. */
  b: Matrix
}

export const WEIGHT_RANGE = [-0.25, 1] as const
export const ACTIVATION_RANGE = [0, 1] as const

export interface SyntheticLayer {
  readonly options: SyntheticLayerOptions
  readonly tilesPerBatch: number
  tile(batch: number, tile: number): GemmTile
}

export function createSyntheticLayer(options: SyntheticLayerOptions): SyntheticLayer {
  const { seed, batchRows, inFeatures, outFeatures, tileRows, tileCols } = options
  for (const [name, value] of Object.entries({ batchRows, inFeatures, outFeatures, tileRows, tileCols })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`)
  }
  const rowTiles = Math.ceil(batchRows / tileRows)
  const colTiles = Math.ceil(outFeatures / tileCols)
  const weights = uniformMatrix(createPrng(mixSeed(seed, 0x57)), inFeatures * outFeatures, ...WEIGHT_RANGE)
  let cached: { batch: number; x: Float32Array } | undefined

  const activations = (batch: number): Float32Array => {
    if (cached?.batch !== batch) {
      const x = uniformMatrix(
        createPrng(mixSeed(seed, 0x58, batch)),
        batchRows * inFeatures,
        ...ACTIVATION_RANGE,
      )
      cached = { batch, x }
    }
    return cached.x
  }

  return {
    options,
    tilesPerBatch: rowTiles * colTiles,
    tile(batch, tile) {
      if (!Number.isInteger(tile) || tile < 0 || tile >= rowTiles * colTiles) {
        throw new RangeError(`tile ${tile} is outside 0..${rowTiles * colTiles - 1}`)
      }
      const row0 = Math.floor(tile / colTiles) * tileRows
      const col0 = (tile % colTiles) * tileCols
      const m = Math.min(tileRows, batchRows - row0)
      const n = Math.min(tileCols, outFeatures - col0)
      const a = activations(batch).slice(row0 * inFeatures, (row0 + m) * inFeatures)
      const b = new Float32Array(inFeatures * n)
      for (let l = 0; l < inFeatures; l++) {
        b.set(weights.subarray(l * outFeatures + col0, l * outFeatures + col0 + n), l * n)
      }
      return {
        batch,
        tile,
        a: { rows: m, cols: inFeatures, data: a },
        b: { rows: inFeatures, cols: n, data: b },
      }
    },
  }
}
