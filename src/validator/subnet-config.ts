/**
 * A subnet owner's `infer` work, declared in a JSON file (`--models <file>`): each ONNX model with its
 * sha256 (checked at load), its declared cost per shard, and how to make each input of a shard.
 * docs/SUBNET-OWNERS.md explains the format; `subnet.example.json` is a working example.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

export type InputGenerator =
  | { uniform: [number, number] }
  | { fill: number }
  | { values: number[] }
  /** Consecutive frames of a 16-bit PCM WAV file, `shape` samples each, wrapping around. */
  | { wavFrames: string }

export interface InputSpec {
  name: string
  dtype?: 'float32' | 'int64'
  shape: number[]
  generate: InputGenerator
}

export interface ModelSpec {
  name: string
  /** Path of the .onnx file, relative to the config file. */
  path: string
  sha256: string
  /** Useful FLOPs of one shard, as the owner declares them: the credit a shard earns. */
  flopsPerShard: number
  inputs: InputSpec[]
}

export interface SubnetConfig {
  models: ModelSpec[]
  /** Fraction of results recomputed on the validator's CPU (every result of a suspect is). */
  sampleRate?: number
  /** Fraction of shards that are canaries: always recomputed, indistinguishable to contributors. */
  canaryRate?: number
  /** Copies of each batch handed to distinct contributors (1: off, 2 or 3); majority agreement verifies. */
  redundancy?: number
}

/** The subnet config file is malformed; the message names the field. */
export class InvalidSubnetConfigError extends Error {
  static override name = 'InvalidSubnetConfigError'
  override name = 'InvalidSubnetConfigError'
}

export async function loadSubnetConfig(path: string): Promise<SubnetConfig> {
  const fail = (what: string): never => {
    throw new InvalidSubnetConfigError(`${path}: ${what}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    return fail((err as Error).message)
  }
  const config = raw as SubnetConfig
  if (!Array.isArray(config.models) || config.models.length === 0)
    fail('"models" must list at least one model')
  const base = dirname(resolve(path))
  config.models = config.models.map((m, i) => {
    const at = `models[${i}]`
    if (typeof m.name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(m.name))
      fail(`${at}.name must be a short identifier`)
    if (typeof m.path !== 'string') fail(`${at}.path is missing`)
    if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256))
      fail(`${at}.sha256 must be lowercase hex`)
    if (!Number.isSafeInteger(m.flopsPerShard) || m.flopsPerShard < 1)
      fail(`${at}.flopsPerShard must be a positive integer`)
    if (!Array.isArray(m.inputs) || m.inputs.length === 0) fail(`${at}.inputs must list the model's inputs`)
    for (const [j, input] of m.inputs.entries()) {
      if (typeof input.name !== 'string' || !Array.isArray(input.shape))
        fail(`${at}.inputs[${j}] needs a name and a shape`)
      if (!input.shape.every((d) => Number.isSafeInteger(d) && d >= 1))
        fail(`${at}.inputs[${j}].shape must be positive integers`)
      const g = input.generate ?? {}
      if (!('uniform' in g || 'fill' in g || 'values' in g || 'wavFrames' in g)) {
        fail(`${at}.inputs[${j}].generate must be one of uniform, fill, values, wavFrames`)
      }
      if ('wavFrames' in g) g.wavFrames = resolve(base, g.wavFrames)
    }
    return { ...m, path: resolve(base, m.path) }
  })
  if (config.redundancy != null && ![1, 2, 3].includes(config.redundancy))
    fail('"redundancy" must be 1, 2 or 3')
  for (const key of ['sampleRate', 'canaryRate'] as const) {
    const v = config[key]
    if (v != null && !(typeof v === 'number' && v >= 0 && v <= 1)) fail(`"${key}" must be between 0 and 1`)
  }
  return config
}
