/**
 * The validator's JSON API (served under /api/ by http-server.ts): how the page finds the validator,
 * what it is doing, and what an address or a contributor has earned.
 */
import { u8aToHex } from '@polkadot/util'
import { isPeerId } from '../protocol/ids.ts'
import { canonicalAddress } from '../wallet/claim-message.ts'
import type { AuditStats } from './audit.ts'
import type { EpochClock } from './epochs.ts'
import type { Ledger, LedgerTotals } from './ledger/index.ts'
import type { SchedulerStats } from './scheduler.ts'
import { formatTao, payoutProof } from './settlement.ts'

export interface ValidatorStatus {
  netuid: number
  peerId: string
  multiaddrs: string[]
  epoch: number
  epochLengthMs: number
  epochEndsAt: number
  /** Work kinds offered now (those with offers), and the offers (one per kind, or per model, or per job). */
  kinds: string[]
  offers: Array<{ offerId: string; kind: string; minFlops: number; maxFlops: number }>
  shards: SchedulerStats
  /** Results the audit saw since start, and how many it recomputed in full (what auditing costs). */
  audit: AuditStats
  /** Each kind's own counters (gemm: verification FLOPs and time against the FLOPs verified). */
  sources: Record<string, Record<string, unknown>>
  /** Kind payload bytes on the wire since start, and the validator's time to answer lease requests. */
  wire: { grantBytes: number; resultBytes: number; leases: number; leaseMsP50: number; leaseMsP99: number }
  ledger: LedgerTotals
  /**
   * What the current epoch pays: `tao` split pro rata of verified credit; `epochCredit` is the
   * epoch's unforfeited credit so far, so a contributor estimates its share as its own credit over it.
   */
  pool: { tao: string; epochCredit: number }
  peers: number
  /** Blob bytes (models, weight panels, row blocks) served over libp2p and HTTP since start, and by blob (sha256; the most recent 1,024). */
  blobBytesServed: number
  blobBytesByBlob: Record<string, number>
  /**
   * Per kind since start: FLOPs credited, bytes sent (grants and the kind's blobs) and received
   * (credited results), and their ratios — the kind's intensity, what bounds it on a home link.
   */
  intensity: Record<string, KindIntensity>
  uptimeMs: number
}

export interface KindIntensity {
  verifiedFlops: number
  grantBytes: number
  blobBytes: number
  resultBytes: number
  /** FLOPs credited per byte sent (grants and blobs) and per byte received; 0 before any. */
  flopsPerByteDown: number
  flopsPerByteUp: number
}

export interface AddressClaims {
  address: string
  claims: Array<{
    claimId: string
    epochs: number[]
    credit: number
    recordedAt: number
    receiptsRoot: string
  }>
  payouts: Array<{
    epoch: number
    credit: number
    amountRao: string
    amountTao: string
    root: string
    proof: string[]
  }>
}

export interface ApiParts {
  netuid: number
  claimEpochs: number
  peerId: string
  multiaddrs(): string[]
  epochs: EpochClock
  ledger: Ledger
  status(): Promise<ValidatorStatus>
  /** Validators known from the directory topic (signed announcements, best paying first). */
  directory?: () => unknown[]
}

/** Longest path segment an API route decodes: an SS58 address or a peer id is well under it. */
const MAX_SEGMENT = 128

export type ApiRoutes = Record<string, (rest: string) => Promise<unknown>>

export function createApi(parts: ApiParts): ApiRoutes {
  return {
    bootstrap: async () => ({
      netuid: parts.netuid,
      peerId: parts.peerId,
      multiaddrs: parts.multiaddrs(),
      epoch: parts.epochs.current(),
      claimEpochs: parts.claimEpochs,
    }),
    status: () => parts.status(),
    directory: async () => ({ validators: parts.directory?.() ?? [] }),
    claims: (address) => claimsFor(parts.ledger, address),
    contributors: async (peer) =>
      peer.length <= MAX_SEGMENT && isPeerId(peer) ? parts.ledger.receipts.contributor(peer) : undefined,
  }
}

/** Claims and settled payouts (with Merkle proofs) of one payout address; undefined if not an address. */
export async function claimsFor(ledger: Ledger, input: string): Promise<AddressClaims | undefined> {
  if (input.length > MAX_SEGMENT) return undefined
  const address = canonicalAddress(input)
  if (address == null) return undefined
  const payouts = []
  for (const p of await ledger.settlements.payoutsFor(address)) {
    const settlement = (await ledger.settlements.get(p.epoch))!
    payouts.push({
      epoch: p.epoch,
      credit: p.credit,
      amountRao: String(p.amount),
      amountTao: formatTao(p.amount),
      root: u8aToHex(settlement.payoutRoot!),
      proof: payoutProof(settlement, address),
    })
  }
  return {
    address,
    claims: (await ledger.claims.forAddress(address)).map((c) => ({
      claimId: c.claimId,
      epochs: c.epochs,
      credit: c.credit,
      recordedAt: c.recordedAt,
      receiptsRoot: u8aToHex(c.receiptsRoot),
    })),
    payouts,
  }
}
