/**
 * How gradients and weight deltas travel: int8 with one f32 scale per block of values (the block's
 * largest magnitude maps to ±127, round to nearest). About a quarter of the raw f32 bytes; relative
 * L2 error about 0.3–0.7% for Gaussian-like blocks of 256 (the error per value is uniform within
 * half a step, a step being the block's largest magnitude / 127). Decompression is a multiply, so
 * every validator rebuilds the same f32 vector from the same bytes.
 */
export interface Int8Blocks {
  length: number
  block: number
  /** One per block. */
  scales: Float32Array
  values: Int8Array
}

export const DEFAULT_BLOCK = 256

export function compressInt8(x: Float32Array, block = DEFAULT_BLOCK): Int8Blocks {
  const blocks = Math.ceil(x.length / block)
  const scales = new Float32Array(blocks)
  const values = new Int8Array(x.length)
  for (let b = 0; b < blocks; b++) {
    const end = Math.min(x.length, (b + 1) * block)
    let max = 0
    for (let i = b * block; i < end; i++) max = Math.max(max, Math.abs(x[i]))
    // A non-finite block keeps its NaN scale: the validator refuses it as non-finite, not as wrong.
    const scale = Number.isFinite(max) ? max / 127 : Number.NaN
    scales[b] = scale
    if (!(scale > 0)) continue
    for (let i = b * block; i < end; i++) values[i] = Math.round(x[i] / scale)
  }
  return { length: x.length, block, scales, values }
}

export function decompressInt8(c: Int8Blocks): Float32Array {
  const out = new Float32Array(c.length)
  for (let i = 0; i < c.length; i++) out[i] = c.values[i] * c.scales[Math.floor(i / c.block)]
  return out
}
