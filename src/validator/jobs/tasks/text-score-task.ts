/** `text-score` as a job task (text-score.ts has the arithmetic). */
import { gemmFlops } from '../../../work/gemm-flops.ts'
import type { NamedTensor } from '../../../work/kind.ts'
import type { ModelInfo } from '../models.ts'
import type { Task } from './index.ts'
import { chunksOf, packChunks, scoreOf, textOf, unpackLogits } from './text-score.ts'

/** A byte-level language model's fixed batch and context: `tokens` int64 [batch, context]. */
export function lmShape(model: ModelInfo): { batch: number; context: number } | undefined {
  const tokens = model.inputs.find((i) => i.name === 'tokens')
  if (model.inputs.length !== 1 || tokens?.type !== 'int64' || tokens.shape.length !== 2) return undefined
  const [batch, context] = tokens.shape
  return batch > 0 && context > 1 ? { batch, context } : undefined
}

/** Why a model is not a byte-level language model a text task can use. */
export function lmUnfit(task: string): (model: ModelInfo) => string | undefined {
  return (model) => {
    if (lmShape(model) == null)
      return `${task} needs one input, tokens: int64 [batch, context] with both fixed (a train model exported to ONNX)`
    if (!model.outputs.includes('logits'))
      return `${task} needs an output named logits: f32 [batch, context, 256]`
    return undefined
  }
}

/** The dense layers' products, for every position of the batch (gemm-flops.ts counts them). */
export function lmFlops(model: Uint8Array, info: ModelInfo): number {
  const { batch, context } = lmShape(info)!
  return gemmFlops(model, batch * context)
}

export const textScoreTask: Task = {
  name: 'text-score',
  doing: 'Scoring text',
  unfit: lmUnfit('text-score'),
  flopsPerBatch: lmFlops,
  check: (body) => void textOf(body),
  start: (body) => body,
  inputs(body, model) {
    const { batch, context } = lmShape(model)!
    return packChunks(chunksOf(textOf(body), context), batch, context).map((data): NamedTensor[] => [
      { name: 'tokens', dtype: 'int64', shape: [batch, context], data },
    ])
  },
  advance(body, model, outputs) {
    const { batch, context } = lmShape(model)!
    const bytes = textOf(body)
    const logits = outputs.map((o) => o.find((t) => t.name === 'logits')?.data as Float32Array)
    const result = scoreOf(
      bytes,
      context,
      unpackLogits(logits, Math.ceil(bytes.length / context), batch, context),
    )
    return { done: true, result }
  },
}
