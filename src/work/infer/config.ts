/**
 * The `infer` section of a subnet config: the owner's ONNX models, each with its sha256 (checked at
 * load), its declared cost per batch, and how to make each input of a batch; plus the verification
 * policy. docs/SUBNET-OWNERS.md explains the format; `subnet.example.json` is a working example.
 */
import { resolve } from 'node:path'
import { InvalidKindConfigError, readConfig } from '../config.ts'
import { MAX_BATCHES } from './codec.ts'

export type InputGenerator =
  | { uniform: [number, number] }
  | { fill: number }
  | { values: number[] }
  /** Consecutive frames of a 16-bit PCM WAV file, `shape` samples each, wrapping around. */
  | { wavFrames: string }
  /** Consecutive windows of a file's bytes (0–255), e.g. text for a byte-level language model. */
  | { textBytes: string }

export interface InputSpec {
  name: string
  dtype: 'float32' | 'int64'
  shape: number[]
  generate: InputGenerator
}

export interface ModelSpec {
  name: string
  /** Absolute path of the .onnx file. */
  path: string
  sha256: string
  /** Useful FLOPs of one batch, as the owner declares them: the credit a batch earns. */
  flopsPerBatch: number
  inputs: InputSpec[]
}

export interface InferConfig {
  models: ModelSpec[]
  /** Fraction of shards recomputed on the validator's CPU (every shard of a suspect is). */
  sampleRate: number
  /** Fraction of shards that are canaries: always recomputed, indistinguishable to contributors. */
  canaryRate: number
  /** Copies of each shard handed to distinct contributors (1: off, 2 or 3). */
  redundancy: number
  /** Most batches in one shard. */
  maxBatches: number
}

/** The settings a validator with no models of its own uses for requesters' jobs (docs/JOBS.md). */
export const JOBS_ONLY: InferConfig = {
  models: [],
  sampleRate: 0.25,
  canaryRate: 0.1,
  redundancy: 1,
  maxBatches: 64,
}

/** undefined when the subnet offers no models. */
export function parseInferConfig(section: unknown, configDir: string): InferConfig | undefined {
  if (section == null || section === false) return undefined
  const c = readConfig('infer', section)
  const raw = c.raw.models
  if (!Array.isArray(raw) || raw.length === 0) c.fail('models', 'must list at least one model')
  const models = (raw as Array<Record<string, unknown>>).map((m, i): ModelSpec => {
    const at = `models[${i}]`
    if (m == null || typeof m !== 'object') c.fail(at, 'must be an object')
    if (typeof m.name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(m.name))
      c.fail(`${at}.name`, 'must be a short identifier')
    if (typeof m.path !== 'string') c.fail(`${at}.path`, 'is missing')
    if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256))
      c.fail(`${at}.sha256`, 'must be lowercase hex')
    // flopsPerShard is the name the first config format used.
    const flops = m.flopsPerBatch ?? m.flopsPerShard
    if (!Number.isSafeInteger(flops) || (flops as number) < 1)
      c.fail(`${at}.flopsPerBatch`, 'must be a positive integer')
    if (!Array.isArray(m.inputs) || m.inputs.length === 0)
      c.fail(`${at}.inputs`, "must list the model's inputs")
    const inputs = (m.inputs as Array<Record<string, unknown>>).map((input, j): InputSpec => {
      const f = `${at}.inputs[${j}]`
      if (typeof input?.name !== 'string' || !Array.isArray(input.shape))
        c.fail(f, 'needs a name and a shape')
      const shape = input.shape as unknown[]
      if (!shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 1))
        c.fail(`${f}.shape`, 'must be positive integers')
      const dtype = input.dtype ?? 'float32'
      if (dtype !== 'float32' && dtype !== 'int64') return c.fail(`${f}.dtype`, 'must be float32 or int64')
      const g = (input.generate ?? {}) as Record<string, unknown>
      let generate: InputGenerator
      if (Array.isArray(g.uniform) && g.uniform.length === 2)
        generate = { uniform: g.uniform as [number, number] }
      else if (typeof g.fill === 'number') generate = { fill: g.fill }
      else if (Array.isArray(g.values)) generate = { values: g.values as number[] }
      else if (typeof g.wavFrames === 'string') generate = { wavFrames: resolve(configDir, g.wavFrames) }
      else if (typeof g.textBytes === 'string') generate = { textBytes: resolve(configDir, g.textBytes) }
      else return c.fail(`${f}.generate`, 'must be one of uniform, fill, values, wavFrames, textBytes')
      return { name: input.name as string, dtype, shape: shape as number[], generate }
    })
    return {
      name: m.name as string,
      path: resolve(configDir, m.path as string),
      sha256: m.sha256 as string,
      flopsPerBatch: flops as number,
      inputs,
    }
  })
  const redundancy = c.int('redundancy', 1, 1, 3)
  return {
    models,
    sampleRate: c.number('sampleRate', 0.25, 0, 1),
    canaryRate: c.number('canaryRate', 0.1, 0, 1),
    redundancy,
    maxBatches: c.int('maxBatches', 64, 1, MAX_BATCHES),
  }
}

export { InvalidKindConfigError }
