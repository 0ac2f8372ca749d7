/**
 * Blobs held in memory once loaded, so the shards that need them again (a model, a weight panel) do
 * not reload them: concurrent asks share one load, a failed load is forgotten, and the least
 * recently used are dropped beyond `maxBytes` (a kind that streams one-off blobs must not grow the
 * page or a Node contributor without bound). Whatever is dropped is loaded again when asked for:
 * from Cache Storage in the page, from the validator in Node.
 */
export interface BlobMemo {
  get(sha256: string, load: () => Promise<Uint8Array>): Promise<Uint8Array>
  /** Bytes of the blobs held (loaded ones). */
  readonly bytes: number
}

/** Enough for a default layer's 64 MiB of weight panels and a few models. */
export const DEFAULT_MEMO_BYTES = 256 * 2 ** 20

export function createBlobMemo(maxBytes = DEFAULT_MEMO_BYTES): BlobMemo {
  const held = new Map<string, { blob: Promise<Uint8Array>; size: number }>()
  let bytes = 0
  const trim = () => {
    for (const [key, entry] of held) {
      if (bytes <= maxBytes) break
      held.delete(key)
      bytes -= entry.size
    }
  }
  return {
    get(sha256, load) {
      const entry = held.get(sha256)
      if (entry != null) {
        held.delete(sha256) // most recently used last
        held.set(sha256, entry)
        return entry.blob
      }
      const fresh = { blob: load(), size: 0 }
      held.set(sha256, fresh)
      fresh.blob.then(
        (b) => {
          if (held.get(sha256) !== fresh) return
          fresh.size = b.byteLength
          bytes += b.byteLength
          trim()
        },
        () => {
          if (held.get(sha256) === fresh) held.delete(sha256)
        },
      )
      return fresh.blob
    },
    get bytes() {
      return bytes
    },
  }
}
