/**
 * Cheating must not pay: the attack an outside harness ran against sampled inference checks, and the
 * audit and settlement rules that close it (src/validator/audit.ts, settlement.ts, strikes.ts).
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keyring } from '@polkadot/keyring'
import type { KeyringPair } from '@polkadot/keyring/types'
import { u8aWrapBytes } from '@polkadot/util'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ClaimRejectedError, prepareClaim, submitClaim } from '../client/claims.ts'
import type { ReceiptStore } from '../client/receipt-store.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { acceptedBodies, createHarness, REPO_ROOT } from '../testing/test-support.ts'
import type { NamedTensor } from '../work/kind.ts'
import { createPrng } from '../work/prng.ts'
import { createAudit } from './audit.ts'
import { settleEpoch } from './settlement.ts'
import type { Validator } from './validator.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

let honestWallet: KeyringPair
let cheatWallet: KeyringPair
beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  honestWallet = keyring.addFromUri('//Alice')
  cheatWallet = keyring.addFromUri('//Bob')
})

/** The example subnet's MLP at its own sampling rates (25% recomputed, 10% canaries). */
function mlpSection() {
  const example = JSON.parse(readFileSync(join(REPO_ROOT, 'subnet.example.json'), 'utf8'))
  return { ...example.kinds.infer, models: example.kinds.infer.models.slice(0, 1) }
}

/** Claims every receipt `store` holds to `wallet`; false when the validator refuses it. */
async function claimAll(validator: Validator, node: TesseraNode, store: ReceiptStore, wallet: KeyringPair) {
  const receipts = await store.list()
  if (receipts.length === 0) return false
  const prepared = prepareClaim({
    receipts,
    netuid: 1,
    validator: validator.peerId.toString(),
    contributor: node.peerId.toString(),
    payoutAddress: wallet.address,
    fromEpoch: 0,
  })
  try {
    await submitClaim(node, prepared, wallet.sign(u8aWrapBytes(prepared.bytes)), store)
    return true
  } catch (err) {
    if (err instanceof ClaimRejectedError) return false
    throw err
  }
}

/** Honest outputs for the first `honest` batches, then made-up ones with the right names, shapes and dtypes. */
function fabricateAfter(honest: number) {
  let batches = 0
  const random = createPrng(7)
  return (outputs: NamedTensor[]): NamedTensor[] =>
    batches++ < honest
      ? outputs
      : outputs.map((t) => ({ ...t, data: (t.data as Float32Array).map(() => random() * 2 - 1) }))
}

async function payoutOf(validator: Validator, wallet: KeyringPair): Promise<bigint> {
  const epoch = validator.epochs.current()
  const settlement = await settleEpoch({
    settlements: validator.ledger.settlements,
    epoch,
    pool: 1_000_000_000n,
    netuid: 1,
    outDir: mkdtempSync(join(tmpdir(), 'tessera-payouts-')),
  })
  return settlement.payouts.find((p) => p.address === wallet.address)?.amount ?? 0n
}

describe('the audit', () => {
  it('always picks a contributor’s first k results, then about k/n of the n-th, per epoch', () => {
    const audit = createAudit({ samples: 4, random: createPrng(1) })
    const picks = Array.from({ length: 10_000 }, () => audit.pick('a', 1))
    expect(picks.slice(0, 4)).toEqual([true, true, true, true])
    // k·(1 + ln(n/k)) expected: 4 · (1 + ln 2500) ≈ 35.
    const audited = picks.filter(Boolean).length
    expect(audited).toBeGreaterThan(20)
    expect(audited).toBeLessThan(55)
    // Another contributor, or a new epoch, starts over.
    expect(audit.pick('b', 1)).toBe(true)
    expect(audit.pick('a', 2)).toBe(true)
    expect(audit.stats()).toEqual({ results: 10_002, audited: audited + 2 })
  })
})

describe('cheating does not pay', () => {
  it('30 fresh ids that fake inference after 3 honest results and claim to one wallet earn it less per GFLOP of real work than honesty', async () => {
    const validator = await harness.startValidator({
      sections: { infer: mlpSection(), gemm: false },
      epochLengthMs: 3_600_000,
    })
    const honest = await harness.contributorNode(validator)
    const honestRun = await harness.contribute(honest, { type: 'accepted', count: 40 })
    expect(await claimAll(validator, honest, honestRun.store, honestWallet)).toBe(true)
    const honestGflop = acceptedBodies(honestRun.events).reduce((s, b) => s + b.flops / 1e9, 0)

    // Each id: 3 honest batches, then made-up outputs until its first rejection; then it claims
    // whatever it holds to the one wallet and is abandoned.
    let cheatRealGflop = 0
    let claimsAccepted = 0
    const ids: string[] = []
    for (let id = 0; id < 30; id++) {
      const node = await harness.contributorNode(validator)
      ids.push(node.peerId.toString())
      const flopsOfBatch = 737_280
      let batches = 0
      const tamper = fabricateAfter(3)
      const run = await harness.contribute(
        node,
        (events) =>
          events.some((e) => e.type === 'rejected' || (e.type === 'refused' && e.reason === 'banned')) ||
          events.length > 200,
        {
          tamper: (outputs) => {
            batches++
            return tamper(outputs)
          },
        },
      )
      cheatRealGflop += (Math.min(batches, 3) * flopsOfBatch) / 1e9
      if (await claimAll(validator, node, run.store, cheatWallet)) claimsAccepted++
    }
    const honestPaid = await payoutOf(validator, honestWallet)
    const cheatPaid =
      (await validator.ledger.settlements.get(validator.epochs.current()))!.payouts.find(
        (p) => p.address === cheatWallet.address,
      )?.amount ?? 0n
    const perGflop = (rao: bigint, gflop: number) => Number(rao) / gflop
    expect(perGflop(cheatPaid, cheatRealGflop)).toBeLessThan(perGflop(honestPaid, honestGflop))
    // Every id's first made-up result was among its first four, which the audit always recomputes.
    expect(cheatPaid).toBe(0n)
    expect(claimsAccepted).toBe(0)
    for (const id of ids) expect((await validator.ledger.receipts.contributor(id)).credit).toBe(0)
    const { audit } = await validator.status()
    expect(audit.audited).toBeLessThanOrEqual(audit.results)
    console.log(
      `audit: ${audit.audited} of ${audit.results} results recomputed in full; honest ${honestGflop.toFixed(2)} GFLOP paid ${honestPaid} rao`,
    )
  }, 180_000)

  it('one caught id forfeits the epoch of every address it claimed to, across all the ids that claimed there', async () => {
    const validator = await harness.startValidator({
      sections: { infer: mlpSection(), gemm: false },
      epochLengthMs: 3_600_000,
    })
    const honest = await harness.contributorNode(validator)
    const honestRun = await harness.contribute(honest, { type: 'accepted', count: 10 })
    expect(await claimAll(validator, honest, honestRun.store, honestWallet)).toBe(true)
    // Two ids of one person: the first works honestly; the second claims its honest receipts to
    // the same wallet first, then is caught.
    const clean = await harness.contributorNode(validator)
    const cleanRun = await harness.contribute(clean, { type: 'accepted', count: 10 })
    expect(await claimAll(validator, clean, cleanRun.store, cheatWallet)).toBe(true)
    const twin = await harness.contributorNode(validator)
    const twinHonest = await harness.contribute(twin, { type: 'accepted', count: 3 })
    expect(await claimAll(validator, twin, twinHonest.store, cheatWallet)).toBe(true)
    const tamper = fabricateAfter(0)
    const caught = await harness.contribute(twin, (events) => events.some((e) => e.type === 'rejected'), {
      tamper,
    })
    expect(caught.events.find((e) => e.type === 'rejected')).toMatchObject({
      rejection: { reason: 'verification-failed' },
    })

    expect(await payoutOf(validator, cheatWallet)).toBe(0n)
    const settlement = (await validator.ledger.settlements.get(validator.epochs.current()))!
    // The honest wallet is the only one paid: all that was paid went to it.
    expect(settlement.payouts.map((p) => p.address)).toEqual([honestWallet.address])
    const rows = await validator.ledger.receipts.byIds((await cleanRun.store.list()).map((r) => r.receiptId))
    expect(rows.every((r) => r.forfeited)).toBe(true)
  }, 120_000)
})
