/**
 * A subnet owner's configuration of the work their validator offers (`--subnet <file>`): one section
 * per work kind, which that kind reads itself (docs/SUBNET-OWNERS.md). A kind whose section is absent
 * runs with its defaults, or is not offered when it needs configuration (`infer` needs models);
 * `false` turns a kind off.
 *
 *   { "kinds": { "gemm": { "inFeatures": 4096 }, "infer": { "models": [ ... ] } } }
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

export interface SubnetConfig {
  /** Each kind's section, by kind name. */
  kinds: Record<string, unknown>
  /** Relative paths in the sections are resolved against this directory. */
  dir: string
}

/** The subnet config file is malformed, or names a kind this validator does not know. */
export class InvalidSubnetConfigError extends Error {
  static override name = 'InvalidSubnetConfigError'
  override name = 'InvalidSubnetConfigError'
}

export async function loadSubnetConfig(path: string, knownKinds: readonly string[]): Promise<SubnetConfig> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new InvalidSubnetConfigError(`${path}: ${(err as Error).message}`)
  }
  const kinds = (raw as { kinds?: unknown })?.kinds
  if (kinds == null || typeof kinds !== 'object' || Array.isArray(kinds)) {
    throw new InvalidSubnetConfigError(`${path}: "kinds" must be an object with a section per work kind`)
  }
  for (const name of Object.keys(kinds)) {
    if (!knownKinds.includes(name)) {
      throw new InvalidSubnetConfigError(
        `${path}: unknown work kind "${name}" (known: ${knownKinds.join(', ')})`,
      )
    }
  }
  return { kinds: kinds as Record<string, unknown>, dir: dirname(resolve(path)) }
}
