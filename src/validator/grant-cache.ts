/**
 * Grants kept between their lease and their result, up to a byte budget. A grant's inputs are
 * derived from its shard id (sources rebuild them with `restore`), so the scheduler keeps the recent
 * ones to spare the rebuild and drops the oldest beyond the budget: what free identities hold in
 * leases never holds the validator's memory.
 */
export interface GrantCache {
  get(shardId: string): unknown
  put(shardId: string, grant: unknown, bytes: number): void
  delete(shardId: string): void
  /** Bytes of the grants kept now. */
  readonly bytes: number
}

export function createGrantCache(budgetBytes: number): GrantCache {
  const kept = new Map<string, { grant: unknown; bytes: number }>()
  let bytes = 0
  const remove = (shardId: string) => {
    const entry = kept.get(shardId)
    if (entry == null) return
    kept.delete(shardId)
    bytes -= entry.bytes
  }
  return {
    get: (shardId) => kept.get(shardId)?.grant,
    put(shardId, grant, size) {
      remove(shardId)
      if (size > budgetBytes) return
      kept.set(shardId, { grant, bytes: size })
      bytes += size
      for (const oldest of kept.keys()) {
        if (bytes <= budgetBytes) break
        remove(oldest)
      }
    },
    delete: remove,
    get bytes() {
      return bytes
    },
  }
}
