/**
 * Reading a kind's section of the subnet config. Values come from JSON or from CLI flags (strings),
 * so numbers are accepted in either spelling; every problem names the kind and the key.
 */

/** A kind's configuration is malformed; the message says which kind and key. */
export class InvalidKindConfigError extends Error {
  static override name = 'InvalidKindConfigError'
  override name = 'InvalidKindConfigError'
}

export interface ConfigReader {
  /** The section as an object ({} when absent). */
  readonly raw: Record<string, unknown>
  fail(key: string, problem: string): never
  int(key: string, fallback: number, min: number, max: number): number
  number(key: string, fallback: number, min: number, max: number): number
  /** `<rows>x<cols>`, e.g. `1024x4096`. */
  size(key: string, fallback: [number, number], max: number): [number, number]
}

export function readConfig(kind: string, section: unknown): ConfigReader {
  if (section != null && (typeof section !== 'object' || Array.isArray(section))) {
    throw new InvalidKindConfigError(`${kind}: its section must be an object`)
  }
  const raw = (section ?? {}) as Record<string, unknown>
  const fail = (key: string, problem: string): never => {
    throw new InvalidKindConfigError(`${kind}.${key} ${problem}`)
  }
  const numberOf = (key: string): number | undefined => {
    const v = raw[key]
    if (v == null) return undefined
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
    return typeof n === 'number' ? n : fail(key, `must be a number, got ${JSON.stringify(v)}`)
  }
  return {
    raw,
    fail,
    int(key, fallback, min, max) {
      const n = numberOf(key) ?? fallback
      if (!Number.isSafeInteger(n) || n < min || n > max) fail(key, `must be an integer in [${min}, ${max}]`)
      return n
    },
    number(key, fallback, min, max) {
      const n = numberOf(key) ?? fallback
      if (!Number.isFinite(n) || n < min || n > max) fail(key, `must be a number in [${min}, ${max}]`)
      return n
    },
    size(key, fallback, max) {
      const v = raw[key]
      if (v == null) return fallback
      const match = typeof v === 'string' ? /^(\d+)x(\d+)$/.exec(v) : null
      const pair = Array.isArray(v) ? v : match ? [Number(match[1]), Number(match[2])] : undefined
      if (pair?.length !== 2 || !pair.every((d) => Number.isSafeInteger(d) && d >= 1 && d <= max)) {
        fail(key, `must look like 1024x4096 (each side 1 to ${max})`)
      }
      return pair as [number, number]
    },
  }
}
