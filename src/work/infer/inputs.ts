/**
 * The inputs of a model's batches, made from the subnet config's `generate` spec (a constant, given
 * values, seeded uniform noise, windows of a text file or of a WAV file's samples). Batch `counter`'s
 * inputs are the same every time they are made, so a shard is rebuilt from its id.
 */
import { readFile } from 'node:fs/promises'
import type { NamedTensor } from '../kind.ts'
import { createPrng, mixSeed } from '../prng.ts'
import { decodeWav } from '../wav.ts'
import type { InputSpec, ModelSpec } from './config.ts'

export type Generator = (counter: number) => NamedTensor

export async function generator(model: ModelSpec, spec: InputSpec, seed: number): Promise<Generator> {
  const size = spec.shape.reduce((a, b) => a * b, 1)
  const make = (values: ArrayLike<number>): NamedTensor => ({
    name: spec.name,
    dtype: spec.dtype,
    shape: spec.shape,
    data:
      spec.dtype === 'int64'
        ? BigInt64Array.from(Array.from(values), (v) => BigInt(Math.round(v)))
        : Float32Array.from(values),
  })
  const g = spec.generate
  if ('fill' in g) return () => make(new Float32Array(size).fill(g.fill))
  if ('values' in g) {
    if (g.values.length !== size)
      throw new RangeError(`${model.name}.${spec.name}: ${g.values.length} values for ${size} elements`)
    return () => make(g.values)
  }
  if ('uniform' in g) {
    const [lo, hi] = g.uniform
    return (counter) => {
      const random = createPrng(mixSeed(seed, counter, spec.name.length))
      return make(Float32Array.from({ length: size }, () => lo + (hi - lo) * random()))
    }
  }
  if ('textBytes' in g) {
    const bytes = new Uint8Array(await readFile(g.textBytes))
    if (bytes.length < size)
      throw new RangeError(`${model.name}.${spec.name}: ${g.textBytes} is shorter than one input`)
    const windows = Math.max(1, Math.floor(bytes.length / size))
    return (counter) => {
      const start = (counter % windows) * size
      return make(Float32Array.from(bytes.subarray(start, start + size)))
    }
  }
  const { samples } = decodeWav(new Uint8Array(await readFile(g.wavFrames)))
  const frames = Math.max(1, Math.floor(samples.length / size))
  return (counter) => {
    const start = (counter % frames) * size
    return make(samples.subarray(start, start + size))
  }
}
