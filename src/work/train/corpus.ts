/**
 * The text a run trains on, as bytes (the model is byte-level: any UTF-8 file works). The first 90%
 * is the training split, the last 10% held out for evaluation; a shard's sequences start at offsets
 * drawn from its seed, so the shard id is enough to rebuild it.
 */
import { createPrng, mixSeed } from '../prng.ts'
import type { Batch } from './model.ref.ts'

export const TRAIN_FRACTION = 0.9

export interface Split {
  /** [start, end) byte ranges. */
  train: [number, number]
  heldOut: [number, number]
}

export function splitOf(bytes: number): Split {
  const cut = Math.floor(bytes * TRAIN_FRACTION)
  return { train: [0, cut], heldOut: [cut, bytes] }
}

/** `count` sequence starts inside `range`, each leaving room for context + 1 bytes. */
export function drawOffsets(seed: number, count: number, range: [number, number], context: number): number[] {
  const span = range[1] - range[0] - context - 1
  if (span <= 0)
    throw new RangeError(`a range of ${range[1] - range[0]} bytes is too short for context ${context}`)
  const random = createPrng(mixSeed(seed, count))
  return Array.from({ length: count }, () => range[0] + Math.floor(random() * span))
}

/** Inputs are the `context` bytes from each offset, targets the same shifted by one. */
export function batchAt(corpus: Uint8Array, offsets: readonly number[], context: number): Batch {
  const inputs = new Uint32Array(offsets.length * context)
  const targets = new Uint32Array(offsets.length * context)
  offsets.forEach((o, s) => {
    if (o < 0 || o + context + 1 > corpus.length) throw new RangeError(`offset ${o} is outside the corpus`)
    for (let t = 0; t < context; t++) {
      inputs[s * context + t] = corpus[o + t]
      targets[s * context + t] = corpus[o + t + 1]
    }
  })
  return { sequences: offsets.length, inputs, targets }
}
