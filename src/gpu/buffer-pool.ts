/**
 * GPU buffers by size class (powers of two from 256 bytes), reused instead of created per tensor.
 * A buffer given back while work that uses it is still being recorded is reusable only after that
 * work is submitted: `recycle()` after each submit.
 */
export interface BufferPool {
  take(bytes: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer
  giveBack(buffer: GPUBuffer): void
  /** The work recorded so far was submitted: buffers given back before it are free again. */
  recycle(): void
  /** Buffers out of the pool with this usage (for leak tests). */
  live(usage: GPUBufferUsageFlags): number
  destroy(): void
}

export function sizeClass(bytes: number): number {
  return Math.max(256, 2 ** Math.ceil(Math.log2(bytes)))
}

export function createBufferPool(device: GPUDevice): BufferPool {
  const free = new Map<string, GPUBuffer[]>()
  const live = new Set<GPUBuffer>()
  let deferred: Array<{ buffer: GPUBuffer; key: string }> = []
  return {
    take(bytes, usage, label) {
      const size = sizeClass(bytes)
      const buffer = free.get(`${usage}:${size}`)?.pop() ?? device.createBuffer({ label, size, usage })
      live.add(buffer)
      return buffer
    },
    giveBack(buffer) {
      if (!live.delete(buffer)) return
      deferred.push({ buffer, key: `${buffer.usage}:${buffer.size}` })
    },
    recycle() {
      for (const { buffer, key } of deferred) {
        const list = free.get(key) ?? []
        list.push(buffer)
        free.set(key, list)
      }
      deferred = []
    },
    live: (usage) => [...live].filter((b) => (b.usage & usage) !== 0).length,
    destroy() {
      for (const list of free.values()) for (const b of list) b.destroy()
      for (const b of live) b.destroy()
      free.clear()
      live.clear()
    },
  }
}
