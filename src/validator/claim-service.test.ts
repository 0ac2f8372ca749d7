import { Keyring } from '@polkadot/keyring'
import type { KeyringPair } from '@polkadot/keyring/types'
import { hexToU8a, u8aWrapBytes } from '@polkadot/util'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ClaimRejectedError, type PreparedClaim, prepareClaim, submitClaim } from '../client/claims.ts'
import type { ReceiptStore } from '../client/receipt-store.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { request } from '../p2p/rpc.ts'
import { decodeClaimResponse, encodeClaimRequest } from '../protocol/codec.ts'
import { CLAIM_PROTOCOL, MESSAGE_LIMITS } from '../protocol/constants.ts'
import { createHarness } from '../testing/test-support.ts'
import { type ClaimMessage, encodeClaimMessage } from '../wallet/claim-message.ts'
import { payoutLeaf, receiptsRoot, verifyMerkleProof } from '../wallet/merkle.ts'
import { claimsFor } from './api.ts'
import type { Validator } from './validator.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

let alice: KeyringPair
let bob: KeyringPair
let aliceEd: KeyringPair
beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  alice = keyring.addFromUri('//Alice')
  bob = keyring.addFromUri('//Bob')
  aliceEd = new Keyring({ type: 'ed25519', ss58Format: 42 }).addFromUri('//Alice')
})

/** What a browser extension does in signRaw({ type: 'bytes' }): sign the <Bytes>-wrapped data. */
const walletSign = (pair: KeyringPair, bytes: Uint8Array) => pair.sign(u8aWrapBytes(bytes))

interface Setup {
  validator: Validator
  node: TesseraNode
  store: ReceiptStore
  claim(patch?: Partial<ClaimMessage>, address?: string): Promise<PreparedClaim>
}

async function earn(overrides = {}): Promise<Setup> {
  const validator = await harness.startValidator(overrides)
  const node = await harness.contributorNode(validator)
  const { store } = await harness.contribute(node, { type: 'accepted', count: 3 })
  const claim = async (patch: Partial<ClaimMessage> = {}, address = alice.address) => {
    const prepared = prepareClaim({
      receipts: await store.list(),
      netuid: 1,
      validator: validator.peerId.toString(),
      contributor: node.peerId.toString(),
      payoutAddress: address,
      fromEpoch: 0,
    })
    const message = { ...prepared.message, ...patch }
    return { ...prepared, message, bytes: encodeClaimMessage(message) }
  }
  return { validator, node, store, claim }
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ClaimRejectedError) return err.reason
    throw err
  }
  throw new Error('the claim was accepted')
}

describe('claims', () => {
  it('records a claim signed by the payout wallet and acknowledges it, once', async () => {
    const { validator, node, store, claim } = await earn()
    const prepared = await claim()
    const ack = await submitClaim(node, prepared, walletSign(alice, prepared.bytes), store)

    expect(ack.body.address).toBe(alice.address)
    expect(ack.body.receipts).toBe(prepared.receiptIds.length)
    expect(ack.body.credit).toBeCloseTo(prepared.credit, 9)
    const recorded = (await claimsFor(validator.ledger, alice.address))!
    expect(recorded.claims.map((c) => c.claimId)).toEqual([ack.body.claimId])
    expect((await store.list()).every((r) => r.claimId === ack.body.claimId)).toBe(true)
    expect((await store.claims()).map((c) => c.claimId)).toEqual([ack.body.claimId])

    // The same request again is a replay; the same receipts under a fresh nonce are already claimed.
    expect(await rejection(submitClaim(node, prepared, walletSign(alice, prepared.bytes)))).toBe('replayed')
    const fresh = { ...prepared.message, nonce: new Uint8Array(16).fill(7) }
    const again = { ...prepared, message: fresh, bytes: encodeClaimMessage(fresh) }
    expect(await rejection(submitClaim(node, again, walletSign(alice, again.bytes)))).toBe('already-claimed')
  })

  it('accepts ed25519 wallets too', async () => {
    const { node, claim } = await earn()
    const prepared = await claim({}, aliceEd.address)
    const ack = await submitClaim(node, prepared, walletSign(aliceEd, prepared.bytes))
    expect(ack.body.address).toBe(aliceEd.address)
  })

  it('rejects forged, cross-validator, cross-subnet, expired and over-claiming claims, each with its reason', async () => {
    const { node, claim, validator } = await earn()
    const other = await harness.startValidator()
    const cases: Array<[string, PreparedClaim, Uint8Array?]> = []

    const forged = await claim()
    cases.push(['bad-signature', forged, walletSign(bob, forged.bytes)])
    const unwrapped = await claim()
    cases.push(['bad-signature', unwrapped, alice.sign(unwrapped.bytes)])
    cases.push(['wrong-validator', await claim({ validator: other.peerId.toString() })])
    cases.push(['wrong-subnet', await claim({ netuid: 2 })])
    cases.push(['expired', await claim({ expiresAt: Date.now() - 1000 })])
    cases.push(['wrong-peer', await claim({ contributor: other.peerId.toString() })])

    const sloppy = await claim()
    // Not the canonical spelling (a trailing newline): refused before anything else is looked at.
    cases.push(['bad-request', { ...sloppy, bytes: new Uint8Array([...sloppy.bytes, 0x0a]) }])

    const overclaim = await claim()
    overclaim.receiptIds = [...overclaim.receiptIds, 'not-a-receipt']
    const overMessage = {
      ...overclaim.message,
      receipts: overclaim.receiptIds.length,
      receiptsRoot: receiptsRoot(overclaim.receiptIds),
    }
    cases.push([
      'unknown-receipt',
      { ...overclaim, message: overMessage, bytes: encodeClaimMessage(overMessage) },
    ])

    const mismatched = await claim()
    mismatched.receiptIds = mismatched.receiptIds.slice(1)
    const mismatchMessage = { ...mismatched.message, receipts: mismatched.receiptIds.length }
    cases.push([
      'root-mismatch',
      { ...mismatched, message: mismatchMessage, bytes: encodeClaimMessage(mismatchMessage) },
    ])

    // Sent to this validator whatever validator the claim names, as a replaying attacker would.
    for (const [reason, prepared, signature] of cases) {
      const bytes = await request(
        node,
        validator.peerId,
        CLAIM_PROTOCOL,
        encodeClaimRequest({
          message: prepared.bytes,
          signature: signature ?? walletSign(alice, prepared.bytes),
          receiptIds: prepared.receiptIds,
        }),
        { maxResponseBytes: MESSAGE_LIMITS.claimResponse },
      )
      expect(decodeClaimResponse(bytes), reason).toMatchObject({ type: 'rejection', reason })
    }
    expect((await claimsFor(validator.ledger, alice.address))!.claims).toEqual([])
  })

  it("refuses another peer's receipts even with a valid wallet signature", async () => {
    const { validator, claim } = await earn()
    const thief = await harness.contributorNode(validator)
    const stolen = await claim()
    const message = { ...stolen.message, contributor: thief.peerId.toString() }
    const prepared = { ...stolen, message, bytes: encodeClaimMessage(message) }
    expect(await rejection(submitClaim(thief, prepared, walletSign(alice, prepared.bytes)))).toBe(
      'unknown-receipt',
    )
  })

  it('settles a closed epoch pro rata with a Merkle proof per address, and closes its claims', async () => {
    const epochLengthMs = 1500
    const { validator, node, claim } = await earn({ epochLengthMs, claimEpochs: 1, poolRao: 1_000_000_000n })
    const prepared = await claim()
    await submitClaim(node, prepared, walletSign(alice, prepared.bytes))
    const lastEpoch = Math.max(...prepared.message.epochs)
    // A second contributor earns but never claims: its share stays unpaid.
    const idle = await harness.contributorNode(validator)
    const { store: idleStore } = await harness.contribute(idle, { type: 'accepted', count: 1 })

    await new Promise((r) =>
      setTimeout(r, (lastEpoch + 3) * epochLengthMs - (Date.now() - validator.epochs.genesis)),
    )
    // The validator settles on its own timer; settleDue() waits for (or runs) that work.
    await validator.settleDue()
    for (const epoch of prepared.message.epochs)
      expect(await validator.ledger.settlements.isSettled(epoch)).toBe(true)

    const mine = (await claimsFor(validator.ledger, alice.address))!
    expect(mine.payouts.length).toBeGreaterThan(0)
    for (const payout of mine.payouts) {
      const settlement = (await validator.ledger.settlements.get(payout.epoch))!
      expect(BigInt(payout.amountRao)).toBeLessThanOrEqual(settlement.pool)
      const leaf = payoutLeaf(payout.epoch, alice.address, BigInt(payout.amountRao))
      expect(
        verifyMerkleProof(
          leaf,
          payout.proof.map((p: string) => hexToU8a(p)),
          hexToU8a(payout.root),
        ),
      ).toBe(true)
      // Pro rata: amount / pool = claimed credit / all verified credit of the epoch.
      expect(Number(payout.amountRao) / 1e9).toBeCloseTo(payout.credit / settlement.totalCredit, 8)
    }
    // The idle contributor's receipts are now outside the claim window.
    const late = prepareClaim({
      receipts: await idleStore.list(),
      netuid: 1,
      validator: validator.peerId.toString(),
      contributor: idle.peerId.toString(),
      payoutAddress: bob.address,
      fromEpoch: 0,
    })
    expect(await rejection(submitClaim(idle, late, walletSign(bob, late.bytes)))).toBe('outside-window')
  })
})
