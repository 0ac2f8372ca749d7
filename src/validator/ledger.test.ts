import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { signReceipt } from '../protocol/receipt.ts'
import { openLedger } from './ledger/index.ts'
import { SCHEMA_VERSION } from './ledger/sqlite/schema.ts'

const dir = mkdtempSync(join(tmpdir(), 'tessera-ledger-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const key = await generateKeyPair('Ed25519')
const validator = peerIdFromPrivateKey(key).toString()
const alice = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

function receipt(leaseId: string, shardId: string, credit = 1, epoch = 0) {
  return signReceipt(
    {
      netuid: 1,
      validator,
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
    key,
  )
}

describe('ledger', () => {
  it('credits each receipt once and keeps it across a reopen', async () => {
    const path = join(dir, 'a.sqlite')
    const ledger = openLedger(path)
    await ledger.receipts.credit(await receipt('l1', 's1', 2))
    await ledger.receipts.credit(await receipt('l2', 's2', 3))
    await ledger.close()

    const reopened = openLedger(path)
    expect(await reopened.receipts.totals()).toMatchObject({
      accepted: 2,
      credit: 5,
      flops: 2000,
      contributors: 1,
      byKind: { gemm: 2 },
      byOffer: { gemm: 2 },
    })
    expect(await reopened.receipts.isShardCredited('s1')).toBe(true)
    expect(await reopened.receipts.isShardCredited('s3')).toBe(false)
    await reopened.close()
  })

  it('refuses a second credit for the same shard or lease', async () => {
    const ledger = openLedger(join(dir, 'b.sqlite'))
    await ledger.receipts.credit(await receipt('l1', 's1'))
    const sameShard = await receipt('l2', 's1')
    const sameLease = await receipt('l1', 's9')
    await expect(ledger.receipts.credit(sameShard)).rejects.toMatchObject({ name: 'DuplicateCreditError' })
    await expect(ledger.receipts.credit(sameLease)).rejects.toMatchObject({ name: 'DuplicateCreditError' })
    expect((await ledger.receipts.totals()).accepted).toBe(1)
    await ledger.close()
  })

  it('counts rejections per epoch and reason, and voids an epoch on forfeit', async () => {
    const ledger = openLedger(join(dir, 'c.sqlite'))
    await ledger.receipts.credit(await receipt('l1', 's1', 4, 0))
    await ledger.receipts.credit(await receipt('l2', 's2', 6, 1))
    const base = { leaseId: 'l3', shardId: 's3', contributor: alice, message: 'x', at: 1 }
    await ledger.receipts.reject({ ...base, epoch: 1, reason: 'verification-failed' })
    await ledger.receipts.reject({ ...base, epoch: 1, reason: 'verification-failed' })
    await ledger.receipts.reject({ ...base, epoch: 1, reason: 'non-finite' })
    await ledger.receipts.reject({ ...base, epoch: 1, reason: 'bad-request' })
    expect(await ledger.receipts.rejectionsInEpoch(alice, 1, ['verification-failed'])).toBe(2)
    expect(await ledger.receipts.rejectionsInEpoch(alice, 1, ['verification-failed', 'non-finite'])).toBe(3)
    expect(await ledger.receipts.rejectionsInEpoch(alice, 0, ['verification-failed'])).toBe(0)
    expect(await ledger.receipts.forfeit(alice, 1)).toBe(1)
    expect(await ledger.receipts.contributor(alice)).toMatchObject({
      accepted: 2,
      rejected: 4,
      credit: 4,
      flops: 1000,
    })
    await ledger.close()
  })

  it('keeps shards cut and not credited, with their lease and source cursor, until credited', async () => {
    const path = join(dir, 'e.sqlite')
    const ledger = openLedger(path)
    const lease = { leaseId: 'l1', peer: alice, expiresAt: 99 }
    await ledger.shards.cut(
      { shardId: 's1', offerId: 'gemm', kind: 'gemm', cutAt: 1, lease },
      { key: 'gemm.cursor.x', value: '0:0:16:16' },
    )
    await ledger.shards.cut({ shardId: 's2', offerId: 'gemm', kind: 'gemm', cutAt: 2, lease: null })
    await ledger.shards.lease('s2', { leaseId: 'l2', peer: alice, expiresAt: 100 })
    await ledger.receipts.credit(await receipt('l1', 's1'))
    await ledger.close()
    const reopened = openLedger(path)
    expect(await reopened.shards.open()).toEqual([
      {
        shardId: 's2',
        offerId: 'gemm',
        kind: 'gemm',
        cutAt: 2,
        lease: { leaseId: 'l2', peer: alice, expiresAt: 100 },
      },
    ])
    expect(await reopened.meta.get('gemm.cursor.x')).toBe('0:0:16:16')
    await reopened.close()
  })

  it('writes through a write-ahead log and keeps meta values', async () => {
    const path = join(dir, 'd.sqlite')
    const ledger = openLedger(path)
    await ledger.meta.set('k', 'v')
    await ledger.meta.set('k', 'w')
    expect(existsSync(`${path}-wal`)).toBe(true)
    expect(await ledger.meta.get('k')).toBe('w')
    await ledger.close()
  })

  it('upgrades a ledger written by the previous schema in place, keeping receipts, rejections and claims', async () => {
    // ledger-v1.sqlite was written by the version-1 ledger (commit 00e3424): three receipts, a
    // rejection, a claim of two receipts and an infer cursor.
    const path = join(dir, 'v1.sqlite')
    copyFileSync(join(import.meta.dirname, 'ledger', 'fixtures', 'ledger-v1.sqlite'), path)
    const ledger = openLedger(path)
    const totals = await ledger.receipts.totals()
    expect(totals).toMatchObject({ accepted: 3, rejected: 1, flops: 3000, byKind: { gemm: 3 }, byOffer: {} })
    expect(totals.credit).toBeCloseTo(6e-6, 12)
    expect(await ledger.receipts.isShardCredited('b0t2')).toBe(true)
    const rows = await ledger.receipts.byIds(['r1', 'r3'])
    expect(rows.map((r) => [r.receiptId, r.claimId])).toEqual([
      ['r1', 'c1'],
      ['r3', null],
    ])
    expect(await ledger.claims.forAddress('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY')).toHaveLength(1)
    expect(await ledger.meta.get('infer_cursor_1bc90f2701a7da79')).toBe('41')
    expect(await ledger.shards.open()).toEqual([])
    await ledger.close()
    const db = new Database(path, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    db.close()
  })
})
