/**
 * The `infer` work kind: batches of a subnet owner's ONNX model. The model is a blob the contributor
 * fetches once and caches; a grant names it and carries each batch's inputs. The contributor half is
 * contributor.ts; the validator half (sources from the subnet config, sampled recomputation with
 * onnxruntime-node, the CPU reference) is validator.ts, which only Node reaches.
 */
import type { WorkKind } from '../kind.ts'
import { grantCodec, type InferGrant, type InferResult, resultCodec } from './codec.ts'

export type { InferGrant, InferResult } from './codec.ts'

export const infer: WorkKind<InferGrant, InferResult> = {
  name: 'infer',
  version: 1,
  grant: grantCodec,
  result: resultCodec,
  cost: (grant) => grant.flopsPerBatch * grant.batches.length,
}
