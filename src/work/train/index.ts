/**
 * The `train` work kind: browsers train a byte-level transformer together. A grant names a model
 * version (the sha256 of its weights blob), the corpus blob and the byte offsets of its sequences;
 * the result is the mean gradient over them (synchronous data parallel) or the weight change after
 * one local AdamW step per micro-batch (low communication, DiLoCo-style), int8-compressed. The model
 * and its CPU reference are model.ts / model.ref.ts, the WGSL version model.gpu.ts; the contributor
 * half is contributor.ts, the validator half (the optimizer, checkpoints, verification) validator.ts.
 */
import type { WorkKind } from '../kind.ts'
import { grantCodec, resultCodec, type TrainGrant, type TrainResult } from './codec.ts'
import { trainFlops } from './model.ts'

export type { TrainGrant, TrainResult } from './codec.ts'

export const train: WorkKind<TrainGrant, TrainResult> = {
  name: 'train',
  // 2: the weights blobs a grant names are safetensors (version 1: Tessera's own "TSWT" format).
  version: 2,
  grant: grantCodec,
  result: resultCodec,
  cost: (grant) => trainFlops(grant.model, grant.offsets.length * grant.model.context),
}
