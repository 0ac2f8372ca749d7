import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { signReceipt } from '../protocol/receipt.ts'
import { createEpochClock } from './epochs.ts'
import { jobOfferId } from './jobs/job-work.ts'
import { openLedger } from './ledger/index.ts'
import { computePayouts, formatTao, parseTao, settleEpoch, weightsVector } from './settlement.ts'
import { startSettlementLoop } from './settlement-loop.ts'

describe('settlement', () => {
  it('splits the pool pro rata of all verified credit, paying claimed shares exactly', () => {
    const payouts = computePayouts(
      3,
      [
        { address: 'a', credit: 1 },
        { address: 'b', credit: 1 },
        { address: 'c', credit: 1 },
      ],
      3,
      100n,
    )
    // 100 / 3 each: 33 rao, and the one leftover rao goes to the largest remainder (ties by address).
    expect(payouts.map((p) => p.amount)).toEqual([34n, 33n, 33n])
    expect(payouts.reduce((s, p) => s + p.amount, 0n)).toBe(100n)
  })

  it('leaves unclaimed credit unpaid', () => {
    const payouts = computePayouts(0, [{ address: 'a', credit: 1 }], 4, 1000n)
    expect(payouts).toEqual([{ epoch: 0, address: 'a', credit: 1, amount: 250n }])
  })

  it('pays nothing for an epoch without credit', () => {
    expect(computePayouts(0, [], 0, 1000n)).toEqual([])
  })

  it('normalises weights so the largest uid gets u16::MAX', () => {
    const payouts = [
      { epoch: 0, address: 'a', credit: 3, amount: 300n },
      { epoch: 0, address: 'b', credit: 1, amount: 100n },
      { epoch: 0, address: 'c', credit: 1, amount: 100n },
    ]
    const uids = new Map([
      ['a', 7],
      ['b', 2],
    ])
    expect(weightsVector(payouts, uids)).toEqual({ uids: [2, 7], weights: [21845, 65535] })
  })

  it('reads and prints TAO amounts exactly', () => {
    expect(parseTao('1')).toBe(1_000_000_000n)
    expect(parseTao('0.000000001')).toBe(1n)
    expect(formatTao(1_500_000_000n)).toBe('1.5')
    expect(() => parseTao('1.0000000001')).toThrow(RangeError)
    expect(() => parseTao('-1')).toThrow(RangeError)
  })
})

describe('settlement loop', () => {
  it('records an epoch once, and retries its on-chain payment until it goes through, never twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-settle-'))
    const ledger = openLedger(join(dir, 'ledger.sqlite'))
    await ledger.meta.set('genesis', '1000')
    const epochs = await createEpochClock(ledger.meta, 1000, () => 10_000)
    const key = await generateKeyPair('Ed25519')
    const me = peerIdFromPrivateKey(key).toString()
    const receipt = await signReceipt(
      {
        netuid: 1,
        validator: me,
        contributor: me,
        receiptId: 'r1',
        leaseId: 'l1',
        shardId: 's1',
        offerId: 'gemm',
        kind: 'gemm',
        flops: 1e9,
        credit: 1,
        epoch: 0,
        issuedAt: 1,
        resultDigest: new Uint8Array(32),
      },
      key,
    )
    await ledger.receipts.credit(receipt)
    const address = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
    await ledger.claims.record(
      {
        claimId: 'c1',
        contributor: me,
        address,
        nonce: '0x01',
        epochs: [0],
        receiptsRoot: new Uint8Array(32),
        credit: 1,
        message: new Uint8Array(1),
        signature: new Uint8Array(64),
        recordedAt: 2,
      },
      ['r1'],
    )
    const paid: number[] = []
    let attempts = 0
    const loop = startSettlementLoop({
      settlements: ledger.settlements,
      epochs,
      netuid: 1,
      claimEpochs: 1,
      poolRao: 1_000_000_000n,
      dataDir: dir,
      chain: { endpoint: 'ws://127.0.0.1:1', seed: '//Alice' },
      intervalMs: 3_600_000,
      log: () => {},
      pay: async (settlement) => {
        attempts++
        if (attempts === 1) throw new Error('node unreachable')
        paid.push(settlement.epoch)
        return { payoutsTx: '0xabc' }
      },
    })
    expect(await loop.settleDue()).toEqual([0])
    expect(paid).toEqual([])
    expect(await ledger.settlements.unpaidOnChain()).toEqual([0])
    expect(await loop.settleDue()).toEqual([])
    expect(paid).toEqual([0])
    await loop.settleDue()
    expect(paid).toEqual([0])
    expect(attempts).toBe(2)
    expect(await ledger.settlements.get(0)).toMatchObject({ chainResult: '{"payoutsTx":"0xabc"}' })
    await loop.stop()
    await ledger.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('pays a done job’s reward to the addresses that computed it, pro rata, once, beside the pool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-settle-job-'))
    const ledger = openLedger(join(dir, 'ledger.sqlite'))
    try {
      const key = await generateKeyPair('Ed25519')
      const me = peerIdFromPrivateKey(key).toString()
      const jobId = crypto.randomUUID()
      await ledger.jobs.create(
        {
          jobId,
          owner: 'owner',
          task: 'text-score',
          model: 'ab'.repeat(32),
          params: '{}',
          priority: 0,
          reward: 900n,
          createdAt: 1,
        },
        [{ customId: 'a', input: '{}' }],
      )
      const receiptOf = (id: string, epoch: number, credit: number, offerId: string) =>
        signReceipt(
          {
            netuid: 1,
            validator: me,
            contributor: me,
            receiptId: id,
            leaseId: `l-${id}`,
            shardId: `s-${id}`,
            offerId,
            kind: 'infer',
            flops: 1e9,
            credit,
            epoch,
            issuedAt: 1,
            resultDigest: new Uint8Array(32),
          },
          key,
        )
      const offer = jobOfferId(jobId)
      // Epoch 0: gemm work and the job's first shard; epoch 1: the job's last shard.
      for (const [id, epoch, credit, offerId] of [
        ['g', 0, 1, 'gemm'],
        ['j0', 0, 1, offer],
        ['j1', 1, 2, offer],
      ] as const)
        await ledger.receipts.credit(await receiptOf(id, epoch, credit, offerId))
      const claim = (claimId: string, address: string, receipts: string[]) =>
        ledger.claims.record(
          {
            claimId,
            contributor: me,
            address,
            nonce: claimId,
            epochs: [0, 1],
            receiptsRoot: new Uint8Array(32),
            credit: 1,
            message: new Uint8Array(1),
            signature: new Uint8Array(64),
            recordedAt: 2,
          },
          receipts,
        )
      await claim('c1', '5Pool', ['g'])
      await claim('c2', '5First', ['j0'])
      await claim('c3', '5Second', ['j1'])
      await ledger.jobs.deliver(jobId, {
        index: 0,
        outcome: 'ok',
        body: '{}',
        verifiedBy: 'recompute',
        contributors: [me],
        deliveredAt: 3,
      })
      const settle = (epoch: number) =>
        settleEpoch({
          settlements: ledger.settlements,
          jobs: ledger.jobs,
          epoch,
          pool: 100n,
          netuid: 1,
          outDir: dir,
        })
      // The job has a receipt in epoch 1: epoch 0's settlement does not pay it yet.
      const first = await settle(0)
      expect(first.jobs).toEqual([])
      expect(first.payouts.map((p) => [p.address, p.amount])).toEqual([
        ['5First', 50n],
        ['5Pool', 50n],
      ])
      const second = await settle(1)
      expect(second.jobs).toEqual([{ jobId, paid: 900n }])
      // The pool's 100 on epoch 1's credit (all 5Second's), and the job's 900 split 1 : 2.
      expect(second.payouts.map((p) => [p.address, p.amount])).toEqual([
        ['5First', 300n],
        ['5Second', 700n],
      ])
      expect(await ledger.jobs.rewardsDue()).toEqual([])
    } finally {
      await ledger.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
