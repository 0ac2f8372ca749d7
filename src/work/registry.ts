/**
 * Looks kinds up by the name and version a message carries. In the manner of ONNX Runtime Web's
 * backend registry: each side builds one from its list of kinds, and everything else asks it.
 */
import type { AnyWorkKind } from './kind.ts'

/** A message names a kind this peer does not run. */
export class UnknownKindError extends Error {
  static override name = 'UnknownKindError'
  override name = 'UnknownKindError'

  constructor(
    readonly kind: string,
    readonly version?: number,
  ) {
    super(
      version == null
        ? `unknown work kind "${kind}"`
        : `work kind "${kind}" version ${version} is not supported here`,
    )
  }
}

export interface KindRegistry<K extends AnyWorkKind> {
  /** The kind for a name and payload version; throws UnknownKindError. */
  get(name: string, version?: number): K
  has(name: string): boolean
  list(): K[]
}

export function createKindRegistry<K extends AnyWorkKind>(kinds: readonly K[]): KindRegistry<K> {
  const byName = new Map<string, K>()
  for (const kind of kinds) {
    if (byName.has(kind.name)) throw new RangeError(`work kind "${kind.name}" is registered twice`)
    byName.set(kind.name, kind)
  }
  return {
    get(name, version) {
      const kind = byName.get(name)
      if (kind == null) throw new UnknownKindError(name)
      if (version != null && version !== kind.version) throw new UnknownKindError(name, version)
      return kind
    },
    has: (name) => byName.has(name),
    list: () => [...byName.values()],
  }
}
