/**
 * The work kinds a validator offers and verifies (Node only: their sources may use Node modules).
 * Adding a kind: its folder, and one line here and one in contributor-kinds.ts.
 */
import { gemmValidator } from './gemm/validator.ts'
import { inferValidator } from './infer/validator.ts'
import type { AnyValidatorKind } from './kind.ts'
import { trainValidator } from './train/validator.ts'

export const VALIDATOR_KINDS: readonly AnyValidatorKind[] = [gemmValidator, inferValidator, trainValidator]
