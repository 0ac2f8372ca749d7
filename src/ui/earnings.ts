/**
 * What this browser has earned, from the receipts it keeps (IndexedDB): lifetime totals that
 * survive reloads and restarts, the latest receipts, and an estimate of the current epoch's payout
 * from the validator's pool and the epoch's credit so far (GET /api/status).
 */
import type { StoredReceipt } from '../client/receipt-store.ts'

export interface Lifetime {
  accepted: number
  credit: number
}

/** Credit as people read it: four significant digits of verified GFLOP, not six decimals. */
export function formatCredit(gflop: number): string {
  if (gflop >= 1000) return Math.round(gflop).toString()
  return Number(gflop.toPrecision(4)).toString()
}

export function lifetimeOf(receipts: StoredReceipt[]): Lifetime {
  return { accepted: receipts.length, credit: receipts.reduce((sum, r) => sum + r.credit, 0) }
}

/** The parts of the validator's /api/status the estimate needs, checked: it is another origin's JSON. */
export interface EpochStatus {
  peerId: string
  epoch: number
  epochEndsAt: number
  pool: { tao: string; epochCredit: number }
}

export async function fetchEpochStatus(validatorUrl: string, signal?: AbortSignal): Promise<EpochStatus> {
  const res = await fetch(new URL('api/status', validatorUrl), { signal })
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}`)
  const body = await res.json()
  const ok =
    typeof body?.peerId === 'string' &&
    Number.isInteger(body.epoch) &&
    Number.isFinite(body.epochEndsAt) &&
    typeof body.pool?.tao === 'string' &&
    Number.isFinite(body.pool?.epochCredit)
  if (!ok) throw new Error(`${res.url} did not describe an epoch`)
  return body
}

/** "This epoch (ends at 14:05): 1.2 GFLOP of your credit of 80 in all, about 0.015 of 1 TAO." */
export function estimateText(status: EpochStatus, receipts: StoredReceipt[]): string {
  const mine = receipts
    .filter((r) => r.epoch === status.epoch && r.validator === status.peerId)
    .reduce((sum, r) => sum + r.credit, 0)
  const ends = new Date(status.epochEndsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  const pool = Number(status.pool.tao)
  const share = status.pool.epochCredit > 0 ? mine / status.pool.epochCredit : 0
  return (
    `This epoch (ends at ${ends}): your credit ${mine.toFixed(3)} of ${status.pool.epochCredit.toFixed(3)} ` +
    `GFLOP verified in all, so about ${(pool * share).toPrecision(3)} of the pool's ${status.pool.tao} TAO ` +
    `(${(100 * share).toFixed(1)}%), paid once you claim.`
  )
}

export interface ReceiptRow {
  issuedAt: number
  kind: string
  shardId: string
  flops: number
  credit: number
  claimed: boolean
}

/** The latest receipts, newest first (their bodies decoded only when the list is shown). */
export async function latestReceipts(receipts: StoredReceipt[], limit: number): Promise<ReceiptRow[]> {
  const { decodeReceiptBody } = await import('../protocol/codec.ts')
  const rows = receipts.map((r) => {
    const body = decodeReceiptBody(r.bodyBytes)
    return {
      issuedAt: body.issuedAt,
      kind: body.kind,
      shardId: body.shardId,
      flops: body.flops,
      credit: r.credit,
      claimed: r.claimId != null,
    }
  })
  return rows.sort((a, b) => b.issuedAt - a.issuedAt).slice(0, limit)
}

/** A validator the directory knows: what a claim to it needs. */
export interface KnownValidator {
  validator: string
  netuid: number
  epoch: number
  multiaddrs: string[]
}

/**
 * The validators the widget's validator knows (GET /api/directory), checked as another origin's JSON.
 * Their announcements are signed, but a claim needs no more trust than this: the claim names the
 * validator, whose libp2p identity the connection proves, and it refuses a claim of another subnet.
 */
export async function knownValidators(validatorUrl: string): Promise<KnownValidator[]> {
  const res = await fetch(new URL('api/directory', validatorUrl))
  if (!res.ok) return []
  const body = await res.json()
  const list: unknown[] = Array.isArray(body?.validators) ? body.validators.slice(0, 64) : []
  return list.flatMap((v) => {
    const x = v as Partial<KnownValidator>
    const ok =
      typeof x.validator === 'string' &&
      x.validator.length <= 64 &&
      Number.isInteger(x.netuid) &&
      Number.isInteger(x.epoch) &&
      Array.isArray(x.multiaddrs) &&
      x.multiaddrs.every((m) => typeof m === 'string' && m.length <= 256)
    return ok
      ? [
          {
            validator: x.validator!,
            netuid: x.netuid!,
            epoch: x.epoch!,
            multiaddrs: x.multiaddrs!.slice(0, 8),
          },
        ]
      : []
  })
}
