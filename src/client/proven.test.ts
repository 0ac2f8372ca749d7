/**
 * A browser sees a validator pay: it claims, the epoch settles, and the validator's /api/claims
 * (over real HTTP) holds a payout whose Merkle proof verifies. Before that, and for a record that
 * does not verify, the validator stays unproven.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyring } from '@polkadot/keyring'
import { u8aWrapBytes } from '@polkadot/util'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createHarness } from '../testing/test-support.ts'
import { startHttpServer } from '../validator/http-server.ts'
import { settleEpoch } from '../validator/settlement.ts'
import { prepareClaim, submitClaim } from './claims.ts'
import { checkPayments, createProven, paidTo } from './proven.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

describe('validators seen paying', () => {
  it('a validator is proven once its settled payout to a claimed address verifies, and not before', async () => {
    await cryptoWaitReady()
    const wallet = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice')
    const validator = await harness.startValidator({ epochLengthMs: 3_600_000 })
    const http = await startHttpServer({ host: '127.0.0.1', port: 0, siteDir: tmpdir(), api: validator.api })
    try {
      const node = await harness.contributorNode(validator)
      const { store } = await harness.contribute(node, { type: 'accepted', count: 3 })
      const prepared = prepareClaim({
        receipts: await store.list(),
        netuid: 1,
        validator: validator.peerId.toString(),
        contributor: node.peerId.toString(),
        payoutAddress: wallet.address,
        fromEpoch: 0,
      })
      await submitClaim(node, prepared, wallet.sign(u8aWrapBytes(prepared.bytes)), store)
      const proven = createProven(undefined)
      const check = () => checkPayments({ proven, claims: claims, apiOf: () => http.url })
      const claims = await store.claims()
      expect(claims).toHaveLength(1)

      // Claimed, not settled: nothing paid yet.
      await check()
      expect(proven.has(validator.peerId.toString())).toBe(false)

      await settleEpoch({
        settlements: validator.ledger.settlements,
        epoch: validator.epochs.current(),
        pool: 1_000_000_000n,
        netuid: 1,
        outDir: mkdtempSync(join(tmpdir(), 'tessera-payouts-')),
      })
      await check()
      expect(proven.has(validator.peerId.toString())).toBe(true)

      // A record whose proof does not hold proves nothing.
      const body = await (await fetch(new URL(`api/claims/${wallet.address}`, http.url))).json()
      expect(paidTo(wallet.address, body)).toBe(true)
      const forged = {
        ...body,
        payouts: body.payouts.map((p: object) => ({ ...p, amountRao: '2000000000' })),
      }
      expect(paidTo(wallet.address, forged)).toBe(false)
      expect(paidTo(wallet.address, { payouts: 'none' })).toBe(false)
    } finally {
      await http.close()
    }
  })
})
