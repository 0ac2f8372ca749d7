/**
 * The work kinds a contributor runs (browser or Node). Adding a kind: its folder, and one line here
 * and one in validator-kinds.ts.
 */
import { gemmContributor } from './gemm/contributor.ts'
import { inferContributor } from './infer/contributor.ts'
import type { AnyContributorKind } from './kind.ts'
import { trainContributor } from './train/contributor.ts'

export const CONTRIBUTOR_KINDS: readonly AnyContributorKind[] = [
  gemmContributor,
  inferContributor,
  trainContributor,
]
