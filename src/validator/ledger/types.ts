/**
 * What the validator keeps: receipts and rejections, claims, settlements, the shards it has cut and
 * not yet credited, and a few values that must survive a restart. Each store is an interface with
 * promises, so the embedded SQLite ledger and a shared server can stand behind it alike.
 */
import type { SignedReceipt } from '../../protocol/types.ts'

/** A claim names a receipt that another claim already took. */
export class AlreadyClaimedError extends Error {
  static override name = 'AlreadyClaimedError'
  override name = 'AlreadyClaimedError'
}

/** A claim with a nonce this contributor already used. */
export class ReplayedClaimError extends Error {
  static override name = 'ReplayedClaimError'
  override name = 'ReplayedClaimError'
}

/** A second settlement of an epoch that was already settled. */
export class AlreadySettledError extends Error {
  static override name = 'AlreadySettledError'
  override name = 'AlreadySettledError'
}

/** A second receipt for a lease or shard that already earned one. */
export class DuplicateCreditError extends Error {
  static override name = 'DuplicateCreditError'
  override name = 'DuplicateCreditError'
}

export interface LedgerTotals {
  accepted: number
  rejected: number
  credit: number
  flops: number
  contributors: number
  /** Accepted shards by work kind, and by offer (an offer per model for `infer`). */
  byKind: Record<string, number>
  byOffer: Record<string, number>
}

export interface ContributorTotals {
  contributor: string
  accepted: number
  rejected: number
  credit: number
  /** Declared FLOPs of its unforfeited receipts: the verified work its allowance grows with. */
  flops: number
}

export interface RejectionRecord {
  leaseId: string
  shardId: string
  contributor: string
  epoch: number
  reason: string
  message: string
  at: number
}

export interface ReceiptRow {
  receiptId: string
  contributor: string
  epoch: number
  credit: number
  forfeited: boolean
  claimId: string | null
}

export interface ReceiptStore {
  /** Records a receipt and closes its shard, in one transaction; throws DuplicateCreditError. */
  credit(receipt: SignedReceipt): Promise<void>
  reject(rejection: RejectionRecord): Promise<void>
  /** Voids a contributor's credit for an epoch (caught cheating); returns how many receipts it voided. */
  forfeit(contributor: string, epoch: number): Promise<number>
  isShardCredited(shardId: string): Promise<boolean>
  totals(): Promise<LedgerTotals>
  contributor(peerId: string): Promise<ContributorTotals>
  /** Rejections of a contributor in one epoch whose reason is one of `reasons`. */
  rejectionsInEpoch(contributor: string, epoch: number, reasons: readonly string[]): Promise<number>
  byIds(receiptIds: string[]): Promise<ReceiptRow[]>
}

export interface ClaimRecord {
  claimId: string
  contributor: string
  address: string
  nonce: string
  epochs: number[]
  receiptsRoot: Uint8Array
  credit: number
  message: Uint8Array
  signature: Uint8Array
  recordedAt: number
}

export interface ClaimStore {
  nonceUsed(contributor: string, nonce: string): Promise<boolean>
  /**
   * Records a claim and marks its receipts claimed, in one transaction; throws AlreadyClaimedError or
   * ReplayedClaimError.
   */
  record(claim: ClaimRecord, receiptIds: string[]): Promise<void>
  forAddress(address: string): Promise<Array<Omit<ClaimRecord, 'message' | 'signature'>>>
}

export interface PayoutRow {
  epoch: number
  address: string
  credit: number
  amount: bigint
}

export interface Settlement {
  epoch: number
  pool: bigint
  totalCredit: number
  paid: bigint
  payoutRoot: Uint8Array | null
  settledAt: number
  payouts: PayoutRow[]
  /**
   * Jobs whose reward this settlement pays (docs/JOBS.md, "Reward"), and how much of it went out:
   * recorded with the settlement, so a reward is paid once.
   */
  jobs?: Array<{ jobId: string; paid: bigint }>
  /** When the epoch's transfers were submitted on chain, and what the chain said; null until then. */
  chainPaidAt?: number | null
  chainResult?: string | null
}

export interface SettlementStore {
  /**
   * Runs `fn` (settling, paying) unless another process of the pool is running its own: then returns
   * undefined at once. One process per ledger (SQLite) always runs it.
   */
  exclusively<T>(fn: () => Promise<T>): Promise<T | undefined>
  /** Epochs below `before` that hold receipts and are not settled yet. */
  unsettledEpochs(before: number): Promise<number[]>
  isSettled(epoch: number): Promise<boolean>
  /**
   * What cheating taints, voided before an epoch settles: every receipt of the epoch of a contributor
   * caught in it (a rejection for `caughtReason`, or receipts already voided), and every receipt of
   * the epoch claimed to a payout address that any caught contributor claimed to, across all the
   * peer ids that claimed to it. Returns those addresses and how many receipts it voided.
   */
  forfeitTainted(epoch: number, caughtReason: string): Promise<{ addresses: string[]; receipts: number }>
  /** Claimed, unforfeited credit per payout address, and all unforfeited credit, of one epoch. */
  epochCredit(
    epoch: number,
  ): Promise<{ byAddress: Array<{ address: string; credit: number }>; total: number }>
  /**
   * A job's credit, all epochs: claimed and unforfeited per payout address, all unforfeited, and the
   * last epoch that holds a receipt of it (null: none). Its receipts are those of `offerId`.
   */
  offerCredit(offerId: string): Promise<{
    byAddress: Array<{ address: string; credit: number }>
    total: number
    lastEpoch: number | null
  }>
  /** Stores a settlement (and marks its jobs rewarded) in one transaction; throws AlreadySettledError. */
  record(settlement: Settlement): Promise<void>
  get(epoch: number): Promise<Settlement | undefined>
  payoutsFor(address: string): Promise<PayoutRow[]>
  /** Settled epochs whose on-chain payment has not been recorded yet. */
  unpaidOnChain(): Promise<number[]>
  markPaidOnChain(epoch: number, at: number, result: string): Promise<void>
}

/** A shard the validator cut and has not credited yet, with its current lease if any. */
export interface OpenShardRow {
  shardId: string
  offerId: string
  kind: string
  cutAt: number
  lease: { leaseId: string; peer: string; expiresAt: number } | null
}

/** An open shard as both ledgers store it (one row, its lease spread over nullable columns). */
export interface OpenShardColumns {
  shardId: string
  offerId: string
  kind: string
  cutAt: number | string
  leaseId: string | null
  peer: string | null
  expiresAt: number | string | null
}

/** A stored row as the scheduler reads it (PostgreSQL hands BIGINTs over as strings). */
export function openShardRow(r: OpenShardColumns): OpenShardRow {
  const lease =
    r.leaseId == null || r.peer == null || r.expiresAt == null
      ? null
      : { leaseId: r.leaseId, peer: r.peer, expiresAt: Number(r.expiresAt) }
  return { shardId: r.shardId, offerId: r.offerId, kind: r.kind, cutAt: Number(r.cutAt), lease }
}

export interface ShardStore {
  /** Records a new shard, its first lease and its source's cursor, in one transaction. */
  cut(shard: OpenShardRow, cursor?: { key: string; value: string }): Promise<void>
  /** Records a shard's new lease (null: back in the queue). */
  lease(shardId: string, lease: OpenShardRow['lease']): Promise<void>
  /** Every shard cut and not yet credited. */
  open(): Promise<OpenShardRow[]>
}

export interface MetaStore {
  get(key: string): Promise<string | undefined>
  set(key: string, value: string): Promise<void>
  /** Stores `value` unless the key has one; returns what is stored (the first writer's, in a race). */
  setIfAbsent(key: string, value: string): Promise<string>
}

/** A job with this id exists already, or two of its items share a custom id. */
export class DuplicateJobError extends Error {
  static override name = 'DuplicateJobError'
  override name = 'DuplicateJobError'
}

/**
 * A requester's job (docs/JOBS.md): a model, a task that turns each record into model inputs and
 * outputs into a result, its records, a reward and a priority. `running` jobs are worked on;
 * `paused` ones keep their place; `cancelled` and `done` are final.
 */
export type JobState = 'running' | 'paused' | 'cancelled' | 'done'

export interface JobSpec {
  jobId: string
  /** The name of the token that submitted it (never the token itself). */
  owner: string
  task: string
  /** The model's sha256 (a blob the validator serves). */
  model: string
  /** The task's parameters, as JSON text. */
  params: string
  priority: number
  /** Paid to its contributors at settlement, pro rata of verified work, in rao. */
  reward: bigint
  createdAt: number
}

export interface JobRecord extends JobSpec {
  state: JobState
  items: number
  /** FLOPs spent on its delivered shards so far: the contributors' and the validator's recomputation. */
  cost: number
}

export interface JobItem {
  index: number
  customId: string
  /** The record's body, as JSON text. */
  input: string
}

export interface NewJobItem {
  customId: string
  input: string
  error?: { code: string; message: string }
}

/** How an item's output was verified before it was delivered (docs/JOBS.md). */
export type VerifiedBy = 'recompute' | 'quorum' | 'adaptive'

export interface JobOutput {
  index: number
  customId: string
  /** `ok`: `body` is the response body; `error`: `body` is `{code, message}`. As JSON text. */
  outcome: 'ok' | 'error'
  body: string
  /** Null for an error line the validator wrote itself (a record that could not be read). */
  verifiedBy: VerifiedBy | null
  contributors: string[]
  deliveredAt: number
}

export interface JobProgress {
  items: number
  delivered: number
  errors: number
  /** When the first verified output was delivered (null before): the job's rate, for its ETA. */
  firstAt: number | null
}

export interface JobStore {
  /**
   * Stores a job and its records at once (DuplicateJobError for a known id or a repeated custom id).
   * A record given an `error` (it could not be read) gets its error line as its output at once.
   */
  create(spec: JobSpec, items: NewJobItem[]): Promise<JobRecord>
  get(jobId: string): Promise<JobRecord | undefined>
  /** Jobs newest first; one owner's, and those in one state, when given. */
  list(owner?: string, state?: JobState): Promise<JobRecord[]>
  /** Pauses, resumes or cancels; false when the job is unknown or already final. */
  setState(jobId: string, state: Exclude<JobState, 'done'>): Promise<boolean>
  /** Items with no output yet, of index above `after`, in order, at most `limit`. */
  pending(jobId: string, after: number, limit: number): Promise<JobItem[]>
  /**
   * An item's output, kept once: false when it has one already (a result handed in twice, or again
   * after a crash). The delivery that completes a running job marks it done.
   */
  deliver(jobId: string, output: Omit<JobOutput, 'customId'>): Promise<boolean>
  /** Adds FLOPs spent on the job (a verified shard's). */
  charge(jobId: string, flops: number): Promise<void>
  /** Outputs of index above `after`, in order, at most `limit`. */
  outputs(jobId: string, after: number, limit: number): Promise<JobOutput[]>
  progress(jobId: string): Promise<JobProgress>
  /**
   * A contributor was caught: its outputs that rest on its word alone (`adaptive`) in jobs not yet
   * done are taken back, so those items are computed again. Returns how many.
   */
  withdraw(contributor: string): Promise<number>
  /** Done jobs with a reward that no settlement has paid yet. */
  rewardsDue(): Promise<JobRecord[]>
}

export interface Ledger {
  readonly receipts: ReceiptStore
  readonly claims: ClaimStore
  readonly settlements: SettlementStore
  readonly shards: ShardStore
  /** Requesters' jobs, their records and their verified outputs (the pool's, like receipts). */
  readonly jobs: JobStore
  /** This validator process's values (its sources' cursors). */
  readonly meta: MetaStore
  /** Values every process of the pool shares (the epoch clock's genesis). */
  readonly pool: MetaStore
  close(): Promise<void>
}
