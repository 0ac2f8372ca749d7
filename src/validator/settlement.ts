/**
 * Epoch close. The pool's emission for an epoch (`pool`, in rao) is split pro rata of verified credit:
 * an address gets pool x (credit claimed for it) / (all unforfeited credit of the epoch). Credit nobody
 * claimed is not paid out and is reported as such. Amounts are whole rao, rounded down, with the
 * remainder handed out by largest fraction so the paid total is exact. The payouts' Merkle root lets
 * anyone check one line against the published root (`/api/claims/<address>` serves the proof).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { u8aToHex } from '@polkadot/util'
import { merkleProof, merkleRoot, payoutLeaf } from '../wallet/merkle.ts'
import { jobOfferId } from './jobs/job-work.ts'
import type { JobStore, PayoutRow, Settlement, SettlementStore } from './ledger/index.ts'
import { CAUGHT_REASON } from './strikes.ts'

export const RAO_PER_TAO = 1_000_000_000n

/** Credit is a float of GFLOP; payouts are exact integers, so credit is fixed to 1e-9 first. */
const CREDIT_SCALE = 1e9

export function parseTao(value: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value.trim())
  if (!match) throw new RangeError(`"${value}" is not an amount of TAO with at most 9 decimals`)
  return BigInt(match[1]) * RAO_PER_TAO + BigInt((match[2] ?? '').padEnd(9, '0'))
}

export function formatTao(rao: bigint): string {
  const whole = rao / RAO_PER_TAO
  const frac = (rao % RAO_PER_TAO).toString().padStart(9, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : String(whole)
}

export function computePayouts(
  epoch: number,
  credits: Array<{ address: string; credit: number }>,
  totalCredit: number,
  pool: bigint,
): PayoutRow[] {
  const total = BigInt(Math.round(totalCredit * CREDIT_SCALE))
  if (total === 0n) return []
  const shares = credits.map(({ address, credit }) => {
    const scaled = BigInt(Math.round(credit * CREDIT_SCALE))
    return { address, credit, exact: pool * scaled, amount: (pool * scaled) / total }
  })
  const claimedScaled = credits.reduce((s, c) => s + BigInt(Math.round(c.credit * CREDIT_SCALE)), 0n)
  // What the claimed share is owed in total, rounded down; distribute the leftover rao by remainder.
  let leftover = (pool * claimedScaled) / total - shares.reduce((s, x) => s + x.amount, 0n)
  const byRemainder = [...shares].sort((a, b) => {
    const ra = a.exact % total
    const rb = b.exact % total
    return ra === rb ? (a.address < b.address ? -1 : 1) : rb > ra ? 1 : -1
  })
  for (const share of byRemainder) {
    if (leftover <= 0n) break
    share.amount += 1n
    leftover -= 1n
  }
  return shares
    .filter((s) => s.amount > 0n)
    .map(({ address, credit, amount }) => ({ epoch, address, credit, amount }))
    .sort((a, b) => (a.address < b.address ? -1 : 1))
}

export function payoutsRoot(epoch: number, payouts: PayoutRow[]): Uint8Array | null {
  return payouts.length === 0 ? null : merkleRoot(payouts.map((p) => payoutLeaf(epoch, p.address, p.amount)))
}

export function payoutProof(settlement: Settlement, address: string): string[] {
  const leaves = settlement.payouts.map((p) => payoutLeaf(settlement.epoch, p.address, p.amount))
  const mine = settlement.payouts.find((p) => p.address === address)
  if (mine == null) return []
  return merkleProof(leaves, payoutLeaf(settlement.epoch, address, mine.amount)).map((node) => u8aToHex(node))
}

/**
 * Bittensor weights for operators who registered contributors' hotkeys: uid -> weight, normalised so
 * the largest is u16::MAX (the convention of the weights extrinsic). Addresses without a uid get none.
 */
export function weightsVector(
  payouts: PayoutRow[],
  uids: Map<string, number>,
): { uids: number[]; weights: number[] } {
  const perUid = new Map<number, bigint>()
  for (const p of payouts) {
    const uid = uids.get(p.address)
    if (uid != null) perUid.set(uid, (perUid.get(uid) ?? 0n) + p.amount)
  }
  const entries = [...perUid.entries()].sort((a, b) => a[0] - b[0])
  // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max does not take
  const max = entries.reduce((m, [, v]) => (v > m ? v : m), 0n)
  if (max === 0n) return { uids: [], weights: [] }
  return {
    uids: entries.map(([uid]) => uid),
    weights: entries.map(([, v]) => Number((v * 65_535n + max / 2n) / max)),
  }
}

export interface SettleOptions {
  settlements: SettlementStore
  epoch: number
  pool: bigint
  netuid: number
  /** Where payout files go: epoch-<n>.json, .csv, and .weights.json when `uids` is given. */
  outDir: string
  uids?: Map<string, number>
  /** Requesters' jobs: a done job's reward is paid with the first settlement after its last receipt's epoch. */
  jobs?: JobStore
  now?: number
  log?: (message: string) => void
}

export async function settleEpoch(options: SettleOptions): Promise<Settlement> {
  const { settlements, epoch, pool } = options
  // One failure forfeits the whole epoch of every address a caught contributor claimed to.
  const tainted = await settlements.forfeitTainted(epoch, CAUGHT_REASON)
  if (tainted.receipts > 0) {
    options.log?.(
      `epoch ${epoch}: voided ${tainted.receipts} receipts of caught contributors and of ${tainted.addresses.length} address(es) they claimed to`,
    )
  }
  const { byAddress, total } = await settlements.epochCredit(epoch)
  const rewards = options.jobs == null ? [] : await jobRewards(options.jobs, settlements, epoch)
  const payouts = mergePayouts([
    computePayouts(epoch, byAddress, total, pool),
    ...rewards.map((r) => r.payouts),
  ])
  const settlement: Settlement = {
    epoch,
    pool,
    totalCredit: total,
    paid: payouts.reduce((s, p) => s + p.amount, 0n),
    payoutRoot: payoutsRoot(epoch, payouts),
    settledAt: options.now ?? Date.now(),
    payouts,
    jobs: rewards.map((r) => ({ jobId: r.jobId, paid: r.payouts.reduce((s, p) => s + p.amount, 0n) })),
  }
  // Files first: they are derived and rewritten alike; the record is what makes the epoch settled.
  await writePayoutFiles(settlement, options)
  await settlements.record(settlement)
  return settlement
}

/**
 * The rewards this settlement pays: each done job's, once every receipt of it is in this epoch or an
 * earlier one (settled, so its forfeits are final), split pro rata of the job's claimed, unforfeited
 * credit over all epochs, like the pool (credit nobody claimed is not paid).
 */
async function jobRewards(jobs: JobStore, settlements: SettlementStore, epoch: number) {
  const due: Array<{ jobId: string; payouts: PayoutRow[] }> = []
  for (const job of await jobs.rewardsDue()) {
    const credit = await settlements.offerCredit(jobOfferId(job.jobId))
    if (credit.lastEpoch != null && credit.lastEpoch > epoch) continue
    due.push({ jobId: job.jobId, payouts: computePayouts(epoch, credit.byAddress, credit.total, job.reward) })
  }
  return due
}

/** One payout row per address: the pool's credit and every amount it is owed this epoch. */
function mergePayouts(lists: PayoutRow[][]): PayoutRow[] {
  const byAddress = new Map<string, PayoutRow>()
  for (const [i, list] of lists.entries()) {
    for (const p of list) {
      const row = byAddress.get(p.address) ?? { ...p, credit: 0, amount: 0n }
      // Credit is the pool's (what the epoch's share was computed on); a job's is in its own file.
      if (i === 0) row.credit = p.credit
      row.amount += p.amount
      byAddress.set(p.address, row)
    }
  }
  return [...byAddress.values()].sort((a, b) => (a.address < b.address ? -1 : 1))
}

async function writePayoutFiles(s: Settlement, options: SettleOptions): Promise<void> {
  await mkdir(options.outDir, { recursive: true })
  const base = join(options.outDir, `epoch-${s.epoch}`)
  const claimed = s.payouts.reduce((sum, p) => sum + p.credit, 0)
  const json = {
    netuid: options.netuid,
    epoch: s.epoch,
    poolRao: String(s.pool),
    paidRao: String(s.paid),
    totalCredit: s.totalCredit,
    unclaimedCredit: Math.max(0, s.totalCredit - claimed),
    payoutRoot: s.payoutRoot == null ? null : u8aToHex(s.payoutRoot),
    // Requesters' job rewards paid with this epoch (included in the amounts below).
    jobs: (s.jobs ?? []).map((j) => ({ jobId: j.jobId, paidRao: String(j.paid) })),
    payouts: s.payouts.map((p) => ({
      address: p.address,
      credit: p.credit,
      amountRao: String(p.amount),
      amountTao: formatTao(p.amount),
      proof: payoutProof(s, p.address),
    })),
  }
  await writeFile(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`)
  const csv = ['address,credit,amount_rao', ...s.payouts.map((p) => `${p.address},${p.credit},${p.amount}`)]
  await writeFile(`${base}.csv`, `${csv.join('\n')}\n`)
  if (options.uids != null) {
    const weights = weightsVector(s.payouts, options.uids)
    await writeFile(
      `${base}.weights.json`,
      `${JSON.stringify({ netuid: options.netuid, epoch: s.epoch, ...weights }, null, 2)}\n`,
    )
  }
}
