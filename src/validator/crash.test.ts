/**
 * A validator process killed (SIGKILL) under load and restarted on its data dir: the ledger is what
 * it was, every shard cut and not credited comes back (live leases stay live, expired ones are
 * reissued), the cursor resumes, and the contributors reconnect by themselves. Nothing is skipped
 * or credited twice: every batch the cursor has passed is covered by credited and open tiles
 * exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, startWsContributor, type WsContributor } from '../testing/test-support.ts'
import { startValidatorProcess, type ValidatorProcess } from '../testing/validator-process.ts'

const LAYER = { batchRows: 64, outFeatures: 128 }
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-'))
const running: Array<ValidatorProcess | WsContributor> = []
afterAll(async () => {
  for (const r of running) await r.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

interface LedgerView {
  receipts: Array<{ receipt_id: string; shard_id: string; credit: number; contributor: string }>
  open: Array<{ shard_id: string; lease_id: string | null }>
}

function readLedger(): LedgerView {
  const db = new Database(join(dataDir, 'ledger.sqlite'), { readonly: true })
  try {
    return {
      receipts: db
        .prepare('SELECT receipt_id, shard_id, credit, contributor FROM receipts ORDER BY receipt_id')
        .all() as LedgerView['receipts'],
      open: db.prepare('SELECT shard_id, lease_id FROM open_shards').all() as LedgerView['open'],
    }
  } finally {
    db.close()
  }
}

/** How many times each output element of each batch is covered by the given gemm tile ids. */
function coverage(shardIds: string[]): Map<number, Uint8Array> {
  const batches = new Map<number, Uint8Array>()
  for (const id of shardIds) {
    const [batch, row0, col0, m, n] = /\.(\d+)\.(\d+)\.(\d+)\.(\d+)x(\d+)$/.exec(id)!.slice(1).map(Number)
    const grid = batches.get(batch) ?? new Uint8Array(LAYER.batchRows * LAYER.outFeatures)
    for (let i = row0; i < row0 + m; i++)
      for (let j = col0; j < col0 + n; j++) grid[i * LAYER.outFeatures + j]++
    batches.set(batch, grid)
  }
  return batches
}

describe('validator crash', () => {
  it('loses nothing and credits nothing twice when killed under load and restarted', async () => {
    const listen = `/ip4/127.0.0.1/tcp/${await freePort()}/ws`
    const args = ['--batch-rows', '64', '--in-features', '64', '--out-features', '128', '--max-tile', '32x64']
    const start = () =>
      startValidatorProcess([...args, '--shard-ms', '20', '--lease-ttl', '2', '--verify-threads', '0'], {
        dataDir,
        listen,
      })
    let validator = await start()
    const address = /libp2p +(\S+)/.exec(validator.output())![1]
    const contributors = await Promise.all([startWsContributor(address), startWsContributor(address)])
    running.push(...contributors)
    await Promise.all(contributors.map((c) => c.until(15)))

    await validator.kill()
    const atCrash = readLedger()
    expect(atCrash.open.length).toBeGreaterThan(0) // killed with leases out

    validator = await start()
    running.push(validator)
    // The contributors find the restarted validator by themselves and go on.
    const before = contributors.map((c) => c.accepted)
    await Promise.all(contributors.map((c, i) => c.until(before[i] + 15)))
    for (const c of contributors) await c.stopWork()
    await validator.stop()
    const after = readLedger()

    // The ledger is what it was at the crash, plus what came after.
    const kept = new Map(after.receipts.map((r) => [r.receipt_id, r]))
    for (const r of atCrash.receipts) expect(kept.get(r.receipt_id)).toEqual(r)
    // Every receipt a contributor holds is in the ledger, and no shard was credited twice. The ledger
    // may hold a few more: results credited as the validator was killed (or as the contributors
    // stopped) whose answers never reached them, at most one per lane (3 each) each time.
    const held = (await Promise.all(contributors.map((c) => c.store.list()))).flat()
    const inLedger = new Set(after.receipts.map((r) => r.receipt_id))
    for (const r of held) expect(inLedger.has(r.receiptId), r.receiptId).toBe(true)
    expect(after.receipts.length - held.length).toBeLessThanOrEqual(2 * 3 * 2)
    expect(new Set(after.receipts.map((r) => r.shard_id)).size).toBe(after.receipts.length)
    // The shards open at the crash were credited after it or are open still: none was dropped.
    const credited = new Set(after.receipts.map((r) => r.shard_id))
    const open = new Set(after.open.map((o) => o.shard_id))
    for (const o of atCrash.open)
      expect(credited.has(o.shard_id) || open.has(o.shard_id), o.shard_id).toBe(true)
    // Nothing skipped, nothing cut twice: batches the cursor passed are covered exactly once.
    const grids = coverage([...credited, ...open])
    const last = Math.max(...grids.keys())
    for (const [batch, grid] of grids) {
      if (batch < last)
        expect(
          grid.every((c) => c === 1),
          `batch ${batch}`,
        ).toBe(true)
      else
        expect(
          grid.every((c) => c <= 1),
          `batch ${batch}`,
        ).toBe(true)
    }
    expect(last).toBeGreaterThan(0)
  }, 120_000)
})
