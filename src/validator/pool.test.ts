/**
 * A pool whose validator runs as two processes (subnets 1 and 2) on one PostgreSQL ledger: both
 * credit Node contributors' shards at once, one wallet claims from both, and the pool settles each
 * epoch once from both processes' receipts. Real processes (the CLI), a real server, real libp2p.
 */
import './polyfills.ts'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Keyring } from '@polkadot/keyring'
import { u8aWrapBytes } from '@polkadot/util'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareClaim, submitClaim } from '../client/claims.ts'
import { startTestPostgres } from '../testing/postgres-server.ts'
import { startWsContributor } from '../testing/test-support.ts'
import { startValidatorProcess, type ValidatorProcess } from '../testing/validator-process.ts'
import { openPostgresLedger } from './ledger/index.ts'

const cleanups: Array<() => unknown> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

const EPOCH_S = 6
const CLAIM_EPOCHS = 2
const POOL_RAO = 1_000_000_000n

async function validatorFor(
  netuid: number,
  ledgerUrl: string,
): Promise<ValidatorProcess & { address: string }> {
  const v = await startValidatorProcess([
    ...['--ledger', ledgerUrl, '--netuid', String(netuid), '--epoch-length', String(EPOCH_S)],
    ...['--claim-epochs', String(CLAIM_EPOCHS), '--shard-ms', '20', '--verify-threads', '0'],
    ...['--batch-rows', '64', '--in-features', '64', '--out-features', '128'],
  ])
  cleanups.push(() => v.stop())
  return { ...v, address: /libp2p +(\S+)/.exec(v.output())![1] }
}

async function earn(v: { address: string }, netuid: number, receipts: number) {
  const contributor = await startWsContributor(v.address, netuid)
  cleanups.push(() => contributor.stop())
  await contributor.until(receipts)
  await contributor.stopWork()
  return contributor
}

const readdirIfAny = (dir: string) => (existsSync(dir) ? readdirSync(dir) : [])

describe('a pool of two validator processes on PostgreSQL', () => {
  it('credits both, claims from both with one wallet, and settles each epoch once with nothing lost', async () => {
    const pg = await startTestPostgres()
    cleanups.push(() => pg.stop())
    const [a, b] = await Promise.all([validatorFor(1, pg.url), validatorFor(2, pg.url)])
    const [fromA, fromB] = await Promise.all([earn(a, 1, 12), earn(b, 2, 12)])

    await cryptoWaitReady()
    const wallet = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice')
    let claimed = 0
    for (const [netuid, { node, store }] of [
      [1, fromA],
      [2, fromB],
    ] as const) {
      const receipts = await store.list()
      claimed += receipts.reduce((sum, r) => sum + r.credit, 0)
      const prepared = prepareClaim({
        receipts,
        netuid,
        validator: receipts[0].validator,
        contributor: node.peerId.toString(),
        payoutAddress: wallet.address,
        fromEpoch: 0,
      })
      await submitClaim(node, prepared, wallet.sign(u8aWrapBytes(prepared.bytes)), store)
    }

    const observer = await openPostgresLedger(pg.url, 'observer')
    cleanups.push(() => observer.close())
    const all = [...(await fromA.store.list()), ...(await fromB.store.list())]
    const epochs = [...new Set(all.map((r) => r.epoch))]
    // Settled once the claim window of the last epoch has closed, by whichever process got there first.
    const deadline = Date.now() + (CLAIM_EPOCHS + 3) * EPOCH_S * 1000
    while (
      Date.now() < deadline &&
      (await observer.settlements.unsettledEpochs(Math.max(...epochs) + 1)).length > 0
    ) {
      await new Promise((r) => setTimeout(r, 500))
    }

    // Nothing lost or doubled: the ledger holds exactly the receipts the contributors hold.
    const totals = await observer.receipts.totals()
    expect(totals.accepted).toBe(all.length)
    expect(totals.credit).toBeCloseTo(claimed, 9)
    let paidCredit = 0
    for (const epoch of epochs) {
      const s = (await observer.settlements.get(epoch))!
      expect(s, `epoch ${epoch} settled`).toBeDefined()
      const ofEpoch = all.filter((r) => r.epoch === epoch).reduce((sum, r) => sum + r.credit, 0)
      expect(s.payouts).toHaveLength(1)
      expect(s.payouts[0]).toMatchObject({ address: wallet.address })
      expect(s.payouts[0].credit).toBeCloseTo(ofEpoch, 9)
      expect(s.payouts[0].amount).toBe(POOL_RAO)
      paidCredit += s.payouts[0].credit
    }
    expect(paidCredit).toBeCloseTo(claimed, 9)
    // Each epoch settled by one process only: the one that settles writes the epoch's payout file.
    const files = [a, b].flatMap((v) =>
      readdirIfAny(join(v.dataDir, 'payouts')).filter((f) => f.endsWith('.json')),
    )
    expect(files.sort()).toEqual(epochs.map((e) => `epoch-${e}.json`).sort())
  }, 120_000)
})
