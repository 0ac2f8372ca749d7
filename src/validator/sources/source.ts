/**
 * Where offers come from. Each work kind the validator hands out has a source: it makes new items on
 * demand (never running out) and verifies results for its items. The scheduler mixes sources.
 */
import type { LeaseWork, RejectionReason, WorkKind, WorkOutput } from '../../protocol/types.ts'

export interface WorkItem {
  offerId: string
  kind: WorkKind
  /** Declared cost: useful FLOPs of the shard. */
  flops: number
  /** GEMM dimensions; 1 x 1 x 1 for work without them. */
  m: number
  n: number
  k: number
  /** infer: the model's sha256 (hex). */
  model?: string
  /** Replicas of the same batch share a group; each replica must go to a different contributor. */
  group?: string
  work: LeaseWork
}

export interface VerifyContext {
  peer: string
  /** The peer already failed a verification this epoch: check everything it sends. */
  suspect: boolean
}

export type SourceVerdict =
  | { ok: true; quality: number; detail: string }
  | {
      ok: false
      reason: Extract<RejectionReason, 'wrong-shape' | 'non-finite' | 'verification-failed'>
      message: string
    }

export interface WorkSource {
  readonly kind: WorkKind
  next(): WorkItem
  verify(item: WorkItem, output: WorkOutput, context: VerifyContext): Promise<SourceVerdict>
}
