/**
 * What every ledger backend must do alike, run against both: the embedded SQLite file and a real
 * PostgreSQL server (started by the test, see postgres/test-server.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signReceipt } from '../../protocol/receipt.ts'
import { openLedger, openPostgresLedger } from './index.ts'
import { startTestPostgres, type TestPostgres } from './postgres/test-server.ts'
import type { ClaimRecord, Ledger } from './types.ts'

const dir = mkdtempSync(join(tmpdir(), 'tessera-contract-'))
let server: TestPostgres | undefined
beforeAll(async () => {
  server = await startTestPostgres()
}, 60_000)
afterAll(() => {
  server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const key = await generateKeyPair('Ed25519')
const validator = peerIdFromPrivateKey(key).toString()
const peers = await Promise.all(
  Array.from({ length: 4 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()),
)

const backends: Array<[string, () => Promise<Ledger>]> = [
  ['SQLite', async () => openLedger(join(dir, `${crypto.randomUUID()}.sqlite`))],
  ['PostgreSQL', async () => openPostgresLedger(server!.database(), validator)],
]

async function credit(ledger: Ledger, contributor: string, epoch: number, amount = 1) {
  const signed = await signReceipt(
    {
      netuid: 1,
      validator,
      contributor,
      receiptId: crypto.randomUUID(),
      leaseId: crypto.randomUUID(),
      shardId: crypto.randomUUID(),
      offerId: 'gemm',
      kind: 'gemm',
      flops: 1_000,
      credit: amount,
      epoch,
      issuedAt: Date.now(),
      resultDigest: new Uint8Array(32),
    },
    key,
  )
  await ledger.receipts.credit(signed)
  return signed.body.receiptId
}

async function claim(ledger: Ledger, contributor: string, address: string, receiptIds: string[]) {
  const record: ClaimRecord = {
    claimId: crypto.randomUUID(),
    contributor,
    address,
    nonce: crypto.randomUUID(),
    epochs: [0],
    receiptsRoot: new Uint8Array(32),
    credit: receiptIds.length,
    message: new Uint8Array([1]),
    signature: new Uint8Array([2]),
    recordedAt: Date.now(),
  }
  await ledger.claims.record(record, receiptIds)
}

describe.each(backends)('%s ledger', (_, open) => {
  it('voids, before settling, a caught contributor’s epoch and every address it claimed to, across all its ids', async () => {
    const ledger = await open()
    const [honest, clean, twin, struck] = peers
    const honestReceipts = [await credit(ledger, honest, 0, 2), await credit(ledger, honest, 0, 2)]
    await claim(ledger, honest, '5Honest', honestReceipts)
    // One person's two ids claim to one address; the twin is caught afterwards.
    await claim(ledger, clean, '5Cheat', [await credit(ledger, clean, 0, 3)])
    await claim(ledger, twin, '5Cheat', [await credit(ledger, twin, 0, 1)])
    const laterEpoch = await credit(ledger, clean, 1, 5)
    const rejection = { leaseId: 'l', shardId: 's', message: 'wrong', at: 1 }
    await ledger.receipts.reject({ ...rejection, contributor: twin, epoch: 0, reason: 'verification-failed' })
    // Another reason is a strike, not a catch; a caught contributor's unclaimed receipts go too.
    await ledger.receipts.reject({ ...rejection, contributor: honest, epoch: 0, reason: 'non-finite' })
    await credit(ledger, struck, 0, 7)
    await ledger.receipts.reject({
      ...rejection,
      contributor: struck,
      epoch: 0,
      reason: 'verification-failed',
    })

    const tainted = await ledger.settlements.forfeitTainted(0, 'verification-failed')
    expect(tainted).toEqual({ addresses: ['5Cheat'], receipts: 3 })
    expect(await ledger.settlements.epochCredit(0)).toEqual({
      byAddress: [{ address: '5Honest', credit: 4 }],
      total: 4,
    })
    // Other epochs are theirs to settle.
    expect((await ledger.receipts.byIds([laterEpoch]))[0].forfeited).toBe(false)
    expect(await ledger.settlements.forfeitTainted(0, 'verification-failed')).toEqual({
      addresses: ['5Cheat'],
      receipts: 0,
    })
    await ledger.close()
  })
})
