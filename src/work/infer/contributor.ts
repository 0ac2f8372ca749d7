/** The contributor half of `infer`: the model from the blob cache, each batch through the ONNX runtime. */
import type { ContributorKind } from '../kind.ts'
import type { InferGrant, InferResult } from './codec.ts'
import { infer } from './index.ts'

export const inferContributor: ContributorKind<InferGrant, InferResult> = {
  ...infer,
  canRun: (runtimes) => runtimes.onnx != null,
  async execute(grant, context) {
    const onnx = context.onnx
    if (onnx == null) throw new Error('this contributor has no ONNX runtime')
    const batches = []
    for (const inputs of grant.batches) {
      context.signal.throwIfAborted()
      batches.push(await onnx.run(grant.model, () => context.blob(grant.model), inputs))
    }
    return { batches }
  },
}
