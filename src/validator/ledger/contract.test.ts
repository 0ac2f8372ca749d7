/**
 * The ledger's contract: what every backend does alike, run against both, the embedded SQLite file
 * and a real PostgreSQL server (started by the test, src/testing/postgres-server.ts). "Another
 * handle" is a second connection to the same ledger (another better-sqlite3 connection to the file,
 * another pool on the database): what two requests, or two processes of one validator, race on.
 * What only one backend has is tested beside it: SQLite's file format and migrations
 * (ledger.test.ts), PostgreSQL's processes sharing one pool (postgres/ledger.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signReceipt } from '../../protocol/receipt.ts'
import { startTestPostgres, type TestPostgres } from '../../testing/postgres-server.ts'
import { openLedger, openPostgresLedger } from './index.ts'
import type { ClaimRecord, JobOutput, JobSpec, Ledger } from './types.ts'

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
const alice = peers[0]

/** A fresh ledger, and a way to open it again (another handle on the same data). */
interface Backend {
  open(): Promise<{ ledger: Ledger; again(): Promise<Ledger> }>
}

const backends: Array<[string, Backend]> = [
  [
    'SQLite',
    {
      async open() {
        const path = join(dir, `${crypto.randomUUID()}.sqlite`)
        return { ledger: openLedger(path), again: async () => openLedger(path) }
      },
    },
  ],
  [
    'PostgreSQL',
    {
      async open() {
        const url = server!.database()
        return {
          ledger: await openPostgresLedger(url, validator),
          again: () => openPostgresLedger(url, validator),
        }
      },
    },
  ],
]

function receipt(
  contributor: string,
  epoch: number,
  amount = 1,
  ids: { lease?: string; shard?: string; offer?: string } = {},
) {
  return signReceipt(
    {
      netuid: 1,
      validator,
      contributor,
      receiptId: crypto.randomUUID(),
      leaseId: ids.lease ?? crypto.randomUUID(),
      shardId: ids.shard ?? crypto.randomUUID(),
      offerId: ids.offer ?? 'gemm',
      kind: ids.offer == null ? 'gemm' : 'infer',
      flops: 1_000,
      credit: amount,
      epoch,
      issuedAt: Date.now(),
      resultDigest: new Uint8Array(32),
    },
    key,
  )
}

function jobSpec(jobId: string, owner = 'owner', createdAt = 1): JobSpec {
  return {
    jobId,
    owner,
    task: 'text-score',
    model: 'ab'.repeat(32),
    params: '{}',
    priority: 0,
    reward: 5n,
    createdAt,
  }
}

function output(index: number, outcome: 'ok' | 'error', contributors: string[]): Omit<JobOutput, 'customId'> {
  return {
    index,
    outcome,
    body: outcome === 'ok' ? `{"n":${index}}` : '{"code":"bad","message":"no"}',
    verifiedBy: 'recompute',
    contributors,
    deliveredAt: 2,
  }
}

async function credit(ledger: Ledger, contributor: string, epoch: number, amount = 1) {
  const signed = await receipt(contributor, epoch, amount)
  await ledger.receipts.credit(signed)
  return signed.body.receiptId
}

function claimOf(contributor: string, address: string, nonce: string = crypto.randomUUID()): ClaimRecord {
  return {
    claimId: crypto.randomUUID(),
    contributor,
    address,
    nonce,
    epochs: [0],
    receiptsRoot: new Uint8Array(32),
    credit: 1,
    message: new Uint8Array([1]),
    signature: new Uint8Array([2]),
    recordedAt: Date.now(),
  }
}

const settlementOf = (epoch: number) => ({
  epoch,
  pool: 10n,
  totalCredit: 5,
  paid: 10n,
  payoutRoot: new Uint8Array(32),
  settledAt: 1,
  payouts: [{ epoch, address: '5Alice', credit: 5, amount: 10n }],
})

describe.each(backends)('%s ledger', (_, backend) => {
  it('credits each shard and each lease once, and keeps its receipts across a reopen', async () => {
    const { ledger, again } = await backend.open()
    await ledger.receipts.credit(await receipt(alice, 0, 2, { lease: 'l1', shard: 's1' }))
    await ledger.receipts.credit(await receipt(alice, 0, 3, { lease: 'l2', shard: 's2' }))
    for (const ids of [
      { lease: 'l3', shard: 's1' },
      { lease: 'l1', shard: 's9' },
    ]) {
      await expect(ledger.receipts.credit(await receipt(alice, 0, 1, ids))).rejects.toMatchObject({
        name: 'DuplicateCreditError',
      })
    }
    await ledger.close()
    const reopened = await again()
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

  it('counts rejections by epoch and reason, and voids an epoch on forfeit', async () => {
    const { ledger } = await backend.open()
    await credit(ledger, alice, 0, 4)
    await credit(ledger, alice, 1, 6)
    const base = { leaseId: 'l3', shardId: 's3', contributor: alice, message: 'x', at: 1 }
    for (const reason of ['verification-failed', 'verification-failed', 'non-finite', 'bad-request'])
      await ledger.receipts.reject({ ...base, epoch: 1, reason })
    expect(await ledger.receipts.rejectionsInEpoch(alice, 1, ['verification-failed'])).toBe(2)
    expect(await ledger.receipts.rejectionsInEpoch(alice, 1, ['verification-failed', 'non-finite'])).toBe(3)
    expect(await ledger.receipts.rejectionsInEpoch(alice, 0, ['verification-failed'])).toBe(0)
    expect(await ledger.receipts.forfeit(alice, 1)).toBe(1)
    expect(await ledger.receipts.forfeit(alice, 1)).toBe(0)
    expect(await ledger.receipts.contributor(alice)).toMatchObject({
      accepted: 2,
      rejected: 4,
      credit: 4,
      flops: 1000,
    })
    await ledger.close()
  })

  it('keeps shards cut and not credited, with their lease and source cursor, until credited', async () => {
    const { ledger, again } = await backend.open()
    const lease = { leaseId: 'l1', peer: alice, expiresAt: 99 }
    await ledger.shards.cut(
      { shardId: 's1', offerId: 'gemm', kind: 'gemm', cutAt: 1, lease },
      { key: 'gemm.cursor.x', value: '0:0:16:16' },
    )
    await ledger.shards.cut({ shardId: 's2', offerId: 'gemm', kind: 'gemm', cutAt: 2, lease: null })
    await ledger.shards.lease('s2', { leaseId: 'l2', peer: alice, expiresAt: 100 })
    await ledger.receipts.credit(await receipt(alice, 0, 1, { lease: 'l1', shard: 's1' }))
    await ledger.close()
    const reopened = await again()
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
    await reopened.shards.lease('s2', null)
    expect((await reopened.shards.open())[0].lease).toBeNull()
    await reopened.close()
  })

  it('keeps meta values, and the first writer’s value of a pool value', async () => {
    const { ledger, again } = await backend.open()
    await ledger.meta.set('k', 'v')
    await ledger.meta.set('k', 'w')
    expect(await ledger.meta.get('k')).toBe('w')
    expect(await ledger.meta.get('missing')).toBeUndefined()
    const other = await again()
    const geneses = await Promise.all([
      ledger.pool.setIfAbsent('genesis', '100'),
      other.pool.setIfAbsent('genesis', '200'),
    ])
    expect(geneses[0]).toBe(geneses[1])
    expect(await other.pool.setIfAbsent('genesis', '300')).toBe(geneses[0])
    await Promise.all([ledger.close(), other.close()])
  })

  it('records a claim of receipts once, refuses a replayed nonce, and reads claims by address', async () => {
    const { ledger } = await backend.open()
    const [r1, r2] = [await credit(ledger, alice, 0, 2), await credit(ledger, alice, 0, 3)]
    const first = claimOf(alice, '5Alice', 'n1')
    await ledger.claims.record(first, [r1])
    expect(await ledger.claims.nonceUsed(alice, 'n1')).toBe(true)
    await expect(ledger.claims.record(claimOf(alice, '5Alice', 'n2'), [r1, r2])).rejects.toMatchObject({
      name: 'AlreadyClaimedError',
    })
    // Nothing of the refused claim stayed: its nonce is free, r2 unclaimed.
    expect(await ledger.claims.nonceUsed(alice, 'n2')).toBe(false)
    await expect(ledger.claims.record(claimOf(alice, '5Alice', 'n1'), [r2])).rejects.toMatchObject({
      name: 'ReplayedClaimError',
    })
    expect((await ledger.receipts.byIds([r1, r2])).map((r) => r.claimId)).toEqual([first.claimId, null])
    expect((await ledger.claims.forAddress('5Alice')).map((c) => c.claimId)).toEqual([first.claimId])
    expect(await ledger.settlements.epochCredit(0)).toEqual({
      byAddress: [{ address: '5Alice', credit: 2 }],
      total: 5,
    })
    await ledger.close()
  })

  it('lets concurrent credits of one lease, claims of one receipt and settlements of one epoch each win once', async () => {
    const { ledger: a, again } = await backend.open()
    const b = await again()
    const r = await receipt(alice, 0, 5, { lease: 'lease', shard: 'shard' })
    const credits = await Promise.allSettled([a.receipts.credit(r), b.receipts.credit({ ...r })])
    expect(credits.filter((c) => c.status === 'fulfilled')).toHaveLength(1)
    expect((await a.receipts.totals()).accepted).toBe(1)
    const claims = await Promise.allSettled([
      a.claims.record(claimOf(alice, '5Alice', 'n1'), [r.body.receiptId]),
      b.claims.record(claimOf(alice, '5Alice', 'n2'), [r.body.receiptId]),
    ])
    expect(claims.map((c) => c.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(claims.find((c) => c.status === 'rejected')).toMatchObject({
      reason: { name: 'AlreadyClaimedError' },
    })
    const settled = await Promise.allSettled([
      a.settlements.record(settlementOf(0)),
      b.settlements.record(settlementOf(0)),
    ])
    expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(settled.find((s) => s.status === 'rejected')).toMatchObject({
      reason: { name: 'AlreadySettledError' },
    })
    await Promise.all([a.close(), b.close()])
  })

  it('settles an epoch once, pays it on chain once, and finds what is due', async () => {
    const { ledger } = await backend.open()
    await credit(ledger, alice, 0)
    await credit(ledger, alice, 2)
    expect(await ledger.settlements.unsettledEpochs(3)).toEqual([0, 2])
    expect(await ledger.settlements.unsettledEpochs(1)).toEqual([0])
    expect(await ledger.settlements.exclusively(async () => 'ran')).toBe('ran')
    await ledger.settlements.record(settlementOf(0))
    expect(await ledger.settlements.isSettled(0)).toBe(true)
    expect(await ledger.settlements.unsettledEpochs(3)).toEqual([2])
    expect(await ledger.settlements.get(0)).toMatchObject({
      pool: 10n,
      paid: 10n,
      payouts: [{ amount: 10n }],
    })
    expect(await ledger.settlements.get(1)).toBeUndefined()
    expect(await ledger.settlements.payoutsFor('5Alice')).toEqual([
      { epoch: 0, address: '5Alice', credit: 5, amount: 10n },
    ])
    expect(await ledger.settlements.unpaidOnChain()).toEqual([0])
    await ledger.settlements.markPaidOnChain(0, 2, 'tx')
    expect(await ledger.settlements.unpaidOnChain()).toEqual([])
    expect(await ledger.settlements.get(0)).toMatchObject({ chainPaidAt: 2, chainResult: 'tx' })
    await ledger.close()
  })

  it('voids, before settling, a caught contributor’s epoch and every address it claimed to, across all its ids', async () => {
    const { ledger } = await backend.open()
    const [honest, clean, twin, struck] = peers
    const honestReceipts = [await credit(ledger, honest, 0, 2), await credit(ledger, honest, 0, 2)]
    await ledger.claims.record(claimOf(honest, '5Honest'), honestReceipts)
    // One person's two ids claim to one address; the twin is caught afterwards.
    await ledger.claims.record(claimOf(clean, '5Cheat'), [await credit(ledger, clean, 0, 3)])
    await ledger.claims.record(claimOf(twin, '5Cheat'), [await credit(ledger, twin, 0, 1)])
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

    expect(await ledger.settlements.forfeitTainted(0, 'verification-failed')).toEqual({
      addresses: ['5Cheat'],
      receipts: 3,
    })
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
  it('keeps a job and its records across a reopen, lists jobs newest first, and refuses a known id or a repeated custom_id', async () => {
    const { ledger, again } = await backend.open()
    const id = crypto.randomUUID()
    const items = [
      { customId: 'a', input: '{"text":"first"}' },
      { customId: 'b', input: '{"text":"second"}' },
    ]
    const created = await ledger.jobs.create(jobSpec(id, 'owner', 10), items)
    expect(created).toMatchObject({ jobId: id, state: 'running', items: 2, reward: 5n, task: 'text-score' })
    await ledger.jobs.create(jobSpec(crypto.randomUUID(), 'other', 20), [{ customId: 'x', input: '{}' }])
    await expect(ledger.jobs.create(jobSpec(id, 'owner', 30), items)).rejects.toMatchObject({
      name: 'DuplicateJobError',
    })
    const twice = [
      { customId: 'a', input: '{}' },
      { customId: 'a', input: '{}' },
    ]
    const repeated = crypto.randomUUID()
    await expect(ledger.jobs.create(jobSpec(repeated, 'owner', 40), twice)).rejects.toMatchObject({
      name: 'DuplicateJobError',
    })
    expect(await ledger.jobs.get(repeated)).toBeUndefined()
    await ledger.close()
    const reopened = await again()
    expect((await reopened.jobs.get(id))?.items).toBe(2)
    expect((await reopened.jobs.pending(id, -1, 10)).map((i) => [i.index, i.customId, i.input])).toEqual([
      [0, 'a', '{"text":"first"}'],
      [1, 'b', '{"text":"second"}'],
    ])
    const mine = await reopened.jobs.list('owner')
    expect(mine.map((j) => j.jobId)).toContain(id)
    expect(mine.every((j) => j.owner === 'owner')).toBe(true)
    expect((await reopened.jobs.list(undefined, 'running')).map((j) => j.jobId)).toContain(id)
    expect(await reopened.jobs.list('owner', 'done')).toEqual([])
    const all = await reopened.jobs.list()
    expect(all.map((j) => j.createdAt)).toEqual([...all.map((j) => j.createdAt)].sort((x, y) => y - x))
    await reopened.close()
  })

  it('writes the error line of a record that could not be read at once, and a job of such records is done', async () => {
    const { ledger } = await backend.open()
    const id = crypto.randomUUID()
    const error = { code: 'too_short', message: 'nothing to predict' }
    await ledger.jobs.create(jobSpec(id), [
      { customId: 'a', input: '{}' },
      { customId: 'b', input: '{}', error },
    ])
    expect((await ledger.jobs.pending(id, -1, 10)).map((i) => i.customId)).toEqual(['a'])
    const [line] = await ledger.jobs.outputs(id, -1, 10)
    expect(line).toMatchObject({
      index: 1,
      customId: 'b',
      outcome: 'error',
      verifiedBy: null,
      contributors: [],
    })
    expect(JSON.parse(line.body)).toEqual(error)
    expect(await ledger.jobs.progress(id)).toEqual({ items: 2, delivered: 1, errors: 1, firstAt: null })
    const bad = crypto.randomUUID()
    await ledger.jobs.create(jobSpec(bad), [{ customId: 'x', input: '{}', error }])
    expect((await ledger.jobs.get(bad))?.state).toBe('done')
    await ledger.close()
  })

  it('delivers each item once, pages outputs in order, counts errors, and completes a job with its last item', async () => {
    const { ledger } = await backend.open()
    const id = crypto.randomUUID()
    await ledger.jobs.create(
      jobSpec(id),
      ['a', 'b', 'c'].map((customId) => ({ customId, input: '{}' })),
    )
    expect(await ledger.jobs.deliver(id, output(1, 'ok', [alice]))).toBe(true)
    expect(await ledger.jobs.deliver(id, { ...output(1, 'ok', [peers[1]]), body: '{"other":1}' })).toBe(false)
    expect((await ledger.jobs.pending(id, -1, 10)).map((i) => i.index)).toEqual([0, 2])
    expect((await ledger.jobs.pending(id, 0, 10)).map((i) => i.index)).toEqual([2])
    expect(await ledger.jobs.deliver(id, { ...output(0, 'error', []), verifiedBy: null })).toBe(true)
    expect(await ledger.jobs.progress(id)).toEqual({ items: 3, delivered: 2, errors: 1, firstAt: 2 })
    expect((await ledger.jobs.get(id))?.state).toBe('running')
    expect(await ledger.jobs.deliver(id, output(2, 'ok', [alice, peers[1]]))).toBe(true)
    expect((await ledger.jobs.get(id))?.state).toBe('done')
    await ledger.jobs.charge(id, 1.5e9)
    await ledger.jobs.charge(id, 2e9)
    expect((await ledger.jobs.get(id))?.cost).toBe(3.5e9)
    const first = await ledger.jobs.outputs(id, -1, 2)
    expect(first.map((o) => [o.index, o.customId, o.outcome])).toEqual([
      [0, 'a', 'error'],
      [1, 'b', 'ok'],
    ])
    expect(first[1]).toMatchObject({ body: '{"n":1}', verifiedBy: 'recompute', contributors: [alice] })
    const rest = await ledger.jobs.outputs(id, first.at(-1)!.index, 2)
    expect(rest.map((o) => [o.customId, o.contributors])).toEqual([['c', [alice, peers[1]]]])
    await ledger.close()
  })

  it('pauses, resumes and cancels a job; a cancelled job takes no outputs, and final states stay final', async () => {
    const { ledger } = await backend.open()
    const id = crypto.randomUUID()
    await ledger.jobs.create(jobSpec(id), [
      { customId: 'a', input: '{}' },
      { customId: 'b', input: '{}' },
    ])
    expect(await ledger.jobs.setState(id, 'paused')).toBe(true)
    expect((await ledger.jobs.get(id))?.state).toBe('paused')
    // Shards in flight when it was paused still hand in their items.
    expect(await ledger.jobs.deliver(id, output(0, 'ok', [alice]))).toBe(true)
    expect(await ledger.jobs.setState(id, 'running')).toBe(true)
    expect(await ledger.jobs.setState(id, 'cancelled')).toBe(true)
    expect(await ledger.jobs.deliver(id, output(1, 'ok', [alice]))).toBe(false)
    expect(await ledger.jobs.setState(id, 'running')).toBe(false)
    expect((await ledger.jobs.get(id))?.state).toBe('cancelled')
    expect(await ledger.jobs.setState(crypto.randomUUID(), 'paused')).toBe(false)
    await ledger.close()
  })

  it('keeps one of two concurrent deliveries of an item, and completes a job whose last items arrive at once', async () => {
    const { ledger, again } = await backend.open()
    const other = await again()
    const id = crypto.randomUUID()
    await ledger.jobs.create(
      jobSpec(id),
      ['a', 'b', 'c'].map((customId) => ({ customId, input: '{}' })),
    )
    const same = await Promise.all([
      ledger.jobs.deliver(id, output(0, 'ok', [alice])),
      other.jobs.deliver(id, output(0, 'ok', [peers[1]])),
    ])
    expect(same.filter(Boolean)).toHaveLength(1)
    await Promise.all([
      ledger.jobs.deliver(id, output(1, 'ok', [alice])),
      other.jobs.deliver(id, output(2, 'ok', [alice])),
    ])
    expect((await ledger.jobs.get(id))?.state).toBe('done')
    expect(await ledger.jobs.progress(id)).toEqual({ items: 3, delivered: 3, errors: 0, firstAt: 2 })
    await other.close()
    await ledger.close()
  })

  it('takes back a caught contributor’s outputs that rest on its word alone, in jobs not yet done', async () => {
    const { ledger } = await backend.open()
    const [open, finished] = [crypto.randomUUID(), crypto.randomUUID()]
    await ledger.jobs.create(
      jobSpec(open),
      ['a', 'b', 'c', 'd'].map((customId) => ({ customId, input: '{}' })),
    )
    await ledger.jobs.create(jobSpec(finished), [{ customId: 'a', input: '{}' }])
    const cheat = peers[2]
    await ledger.jobs.deliver(open, { ...output(0, 'ok', [cheat]), verifiedBy: 'adaptive' })
    await ledger.jobs.deliver(open, { ...output(1, 'ok', [cheat, alice]), verifiedBy: 'quorum' })
    await ledger.jobs.deliver(open, { ...output(2, 'ok', [alice]), verifiedBy: 'adaptive' })
    await ledger.jobs.deliver(finished, { ...output(0, 'ok', [cheat]), verifiedBy: 'adaptive' })
    expect(await ledger.jobs.withdraw(cheat)).toBe(1)
    expect((await ledger.jobs.pending(open, -1, 10)).map((i) => i.index)).toEqual([0, 3])
    expect((await ledger.jobs.get(finished))?.state).toBe('done')
    expect(await ledger.jobs.progress(finished)).toMatchObject({ delivered: 1 })
    await ledger.close()
  })

  it('reads a job’s credit by address over all epochs, and pays its reward with one settlement only', async () => {
    const { ledger } = await backend.open()
    const job = crypto.randomUUID()
    await ledger.jobs.create(jobSpec(job), [{ customId: 'a', input: '{}' }])
    expect(await ledger.jobs.rewardsDue()).toEqual([])
    await ledger.jobs.deliver(job, output(0, 'ok', [alice]))
    expect((await ledger.jobs.rewardsDue()).map((j) => j.jobId)).toEqual([job])
    const offer = 'job.0123456789ab'
    const [bob, carol] = [peers[1], peers[2]]
    const held = [
      await receipt(alice, 0, 2, { offer }),
      await receipt(bob, 1, 3, { offer }),
      await receipt(carol, 1, 4, { offer }),
      await receipt(alice, 0, 7),
    ]
    for (const r of held) await ledger.receipts.credit(r)
    await ledger.claims.record(claimOf(alice, '5Alice'), [held[0].body.receiptId, held[3].body.receiptId])
    await ledger.claims.record(claimOf(bob, '5Bob'), [held[1].body.receiptId])
    // Carol never claimed: her credit counts in the total and is not paid.
    expect(await ledger.settlements.offerCredit(offer)).toEqual({
      byAddress: [
        { address: '5Alice', credit: 2 },
        { address: '5Bob', credit: 3 },
      ],
      total: 9,
      lastEpoch: 1,
    })
    await ledger.settlements.record({ ...settlementOf(1), jobs: [{ jobId: job, paid: 2n }] })
    expect(await ledger.jobs.rewardsDue()).toEqual([])
    expect(await ledger.settlements.offerCredit('job.none')).toEqual({
      byAddress: [],
      total: 0,
      lastEpoch: null,
    })
    await ledger.close()
  })
})
