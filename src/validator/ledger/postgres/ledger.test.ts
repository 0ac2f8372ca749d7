/**
 * The shared ledger against a real PostgreSQL server: what a pool of validator processes needs
 * besides what every ledger does (ledger/contract.test.ts): each connection here is a separate
 * process, with a peer id of its own.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signReceipt } from '../../../protocol/receipt.ts'
import { startTestPostgres, type TestPostgres } from '../../../testing/postgres-server.ts'
import type { Ledger } from '../types.ts'
import { openPostgresLedger } from './index.ts'

let server: TestPostgres
beforeAll(async () => {
  server = await startTestPostgres()
}, 60_000)
afterAll(() => server?.stop())

const keys = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
const [v1, v2] = keys.map((k) => peerIdFromPrivateKey(k).toString())
const alice = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

function receipt(v: 0 | 1, leaseId: string, shardId: string, credit = 1, epoch = 0) {
  return signReceipt(
    {
      netuid: v + 1,
      validator: [v1, v2][v],
      contributor: alice,
      receiptId: crypto.randomUUID(),
      leaseId,
      shardId,
      offerId: 'gemm',
      kind: 'gemm',
      flops: 1_000,
      credit,
      epoch,
      issuedAt: Date.now(),
      resultDigest: new Uint8Array(32),
    },
    keys[v],
  )
}

/** Two validator processes' ledgers on one fresh database. */
async function pool(url = server.database()): Promise<[Ledger, Ledger, string]> {
  return [await openPostgresLedger(url, v1), await openPostgresLedger(url, v2), url]
}

describe('PostgreSQL ledger', () => {
  it('credits each shard once per validator, counts the pool, and keeps it across a reopen', async () => {
    const [a, b, url] = await pool()
    await a.receipts.credit(await receipt(0, 'l1', 's1', 2))
    // Another process may cut a shard of the same name (another subnet's layer): its own receipt.
    const theirs = await receipt(1, 'l2', 's1', 3)
    await b.receipts.credit(theirs)
    await expect(a.receipts.credit(await receipt(0, 'l3', 's1'))).rejects.toMatchObject({
      name: 'DuplicateCreditError',
    })
    await expect(b.receipts.credit(await receipt(1, 'l1', 's9'))).rejects.toMatchObject({
      name: 'DuplicateCreditError',
    })
    expect(await a.receipts.totals()).toMatchObject({ accepted: 2, credit: 5, flops: 2000, contributors: 1 })
    // Allowances grow with verified work anywhere in the pool; claims bind only this process's receipts.
    expect((await b.receipts.contributor(alice)).flops).toBe(2000)
    expect(await a.receipts.isShardCredited('s1')).toBe(true)
    expect(await a.receipts.isShardCredited('s2')).toBe(false)
    expect(await a.receipts.byIds([theirs.body.receiptId])).toEqual([])
    expect(await b.receipts.byIds([theirs.body.receiptId])).toMatchObject([{ credit: 3, claimId: null }])
    await Promise.all([a.close(), b.close()])
    const [reopened, other] = await pool(url)
    expect(await reopened.receipts.totals()).toMatchObject({ accepted: 2, credit: 5 })
    await Promise.all([reopened.close(), other.close()])
  })

  it('settles and pays one process at a time: the other is told at once and does nothing', async () => {
    const [a, b] = await pool()
    let inside = 0
    let most = 0
    const work = async () => {
      most = Math.max(most, ++inside)
      // Held long enough that the other process asks while it runs, even on a loaded machine.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      inside--
      return 'settled'
    }
    const runs = await Promise.all([a.settlements.exclusively(work), b.settlements.exclusively(work)])
    expect(runs.sort()).toEqual(['settled', undefined])
    expect(most).toBe(1)
    await Promise.all([a.close(), b.close()])
  })

  it("keeps each process's open shards and cursors apart, and one genesis for the pool", async () => {
    const [a, b] = await pool()
    const lease = { leaseId: 'l', peer: alice, expiresAt: 9 }
    await a.shards.cut(
      { shardId: 's1', offerId: 'gemm', kind: 'gemm', cutAt: 1, lease },
      { key: 'cursor', value: 'A' },
    )
    await b.shards.cut(
      { shardId: 's1', offerId: 'gemm', kind: 'gemm', cutAt: 2, lease: null },
      { key: 'cursor', value: 'B' },
    )
    await a.shards.lease('s1', null)
    expect(await a.shards.open()).toEqual([
      { shardId: 's1', offerId: 'gemm', kind: 'gemm', cutAt: 1, lease: null },
    ])
    expect((await b.shards.open())[0].cutAt).toBe(2)
    expect([await a.meta.get('cursor'), await b.meta.get('cursor')]).toEqual(['A', 'B'])
    await a.receipts.credit(await receipt(0, 'l', 's1'))
    expect(await a.shards.open()).toEqual([])
    expect(await b.shards.open()).toHaveLength(1)

    const geneses = await Promise.all([
      a.pool.setIfAbsent('genesis', '100'),
      b.pool.setIfAbsent('genesis', '200'),
    ])
    expect(geneses[0]).toBe(geneses[1])
    expect(await a.meta.get('genesis')).toBeUndefined()
    await Promise.all([a.close(), b.close()])
  })
})
