import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, describe, expect, it } from 'vitest'
import { signReceipt } from '../protocol/receipt.ts'
import { openLedger } from './ledger.ts'

const dir = mkdtempSync(join(tmpdir(), 'tessera-ledger-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const key = await generateKeyPair('Ed25519')
const validator = peerIdFromPrivateKey(key).toString()
const alice = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

function receipt(leaseId: string, offerId: string, credit = 1, epoch = 0) {
  return signReceipt(
    {
      netuid: 1,
      validator,
      contributor: alice,
      receiptId: crypto.randomUUID(),
      leaseId,
      offerId,
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
    ledger.credit(await receipt('l1', 'o1', 2))
    ledger.credit(await receipt('l2', 'o2', 3))
    ledger.close()

    const reopened = openLedger(path)
    expect(reopened.totals()).toMatchObject({ accepted: 2, credit: 5, flops: 2000, contributors: 1 })
    expect(reopened.isOfferCompleted('o1')).toBe(true)
    expect(reopened.isOfferCompleted('o3')).toBe(false)
    reopened.close()
  })

  it('refuses a second credit for the same offer or lease', async () => {
    const ledger = openLedger(join(dir, 'b.sqlite'))
    ledger.credit(await receipt('l1', 'o1'))
    const sameOffer = await receipt('l2', 'o1')
    const sameLease = await receipt('l1', 'o9')
    expect(() => ledger.credit(sameOffer)).toThrow(expect.objectContaining({ name: 'DuplicateCreditError' }))
    expect(() => ledger.credit(sameLease)).toThrow(expect.objectContaining({ name: 'DuplicateCreditError' }))
    expect(ledger.totals().accepted).toBe(1)
    ledger.close()
  })

  it('counts rejections per epoch and reason, and voids an epoch on forfeit', async () => {
    const ledger = openLedger(join(dir, 'c.sqlite'))
    ledger.credit(await receipt('l1', 'o1', 4, 0))
    ledger.credit(await receipt('l2', 'o2', 6, 1))
    const base = { leaseId: 'l3', offerId: 'o3', contributor: alice, message: 'x', at: 1 }
    ledger.reject({ ...base, epoch: 1, reason: 'verification-failed' })
    ledger.reject({ ...base, epoch: 1, reason: 'verification-failed' })
    ledger.reject({ ...base, epoch: 1, reason: 'non-finite' })
    expect(ledger.rejectionsInEpoch(alice, 1, 'verification-failed')).toBe(2)
    expect(ledger.rejectionsInEpoch(alice, 0, 'verification-failed')).toBe(0)
    expect(ledger.forfeit(alice, 1)).toBe(1)
    expect(ledger.contributor(alice)).toMatchObject({ accepted: 2, rejected: 3, credit: 4 })
    ledger.close()
  })

  it('writes through a write-ahead log and keeps meta values', () => {
    const path = join(dir, 'd.sqlite')
    const ledger = openLedger(path)
    ledger.setMeta('k', 'v')
    ledger.setMeta('k', 'w')
    expect(existsSync(`${path}-wal`)).toBe(true)
    expect(ledger.getMeta('k')).toBe('w')
    ledger.close()
  })
})
