import { describe, expect, it } from 'vitest'
import { createBlobMemo } from './blob-memo.ts'

describe('blob memo', () => {
  it('loads a blob once however many ask, and drops the least recently used beyond its budget', async () => {
    const memo = createBlobMemo(10)
    let loads = 0
    const load = (size: number) => async () => {
      loads++
      return new Uint8Array(size)
    }
    const [a1, a2] = await Promise.all([memo.get('a', load(4)), memo.get('a', load(4))])
    expect(a1).toBe(a2)
    expect(loads).toBe(1)
    await memo.get('b', load(4))
    await memo.get('a', load(4)) // a is now the most recently used
    await memo.get('c', load(4)) // 12 bytes: b goes
    expect(memo.bytes).toBe(8)
    await memo.get('a', load(4))
    expect(loads).toBe(3)
    await memo.get('b', load(4)) // loaded again
    expect(loads).toBe(4)
  })

  it('forgets a failed load, so the next ask tries again', async () => {
    const memo = createBlobMemo()
    await expect(memo.get('x', async () => Promise.reject(new Error('offline')))).rejects.toThrow('offline')
    expect(await memo.get('x', async () => new Uint8Array(2))).toHaveLength(2)
  })
})
