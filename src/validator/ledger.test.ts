import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openLedger } from './ledger/index.ts'
import { SCHEMA_VERSION } from './ledger/sqlite/schema.ts'

const dir = mkdtempSync(join(tmpdir(), 'tessera-ledger-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What only the SQLite file has; what every ledger does is in ledger/contract.test.ts. */
describe('SQLite ledger file', () => {
  it('writes through a write-ahead log', async () => {
    const path = join(dir, 'd.sqlite')
    const ledger = openLedger(path)
    await ledger.meta.set('k', 'v')
    expect(existsSync(`${path}-wal`)).toBe(true)
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
