/** `text-score` as a job task (text-score.ts has the arithmetic). */
import { gemmFlops } from '../../../work/gemm-flops.ts'
import type { NamedTensor } from '../../../work/kind.ts'
import type { ModelInfo } from '../models.ts'
import type { Task } from './index.ts'
import { withNextByteLoss } from './next-byte-loss.ts'
import { chunksOf, scoreOf, scoreOfNll, targetsOf, textOf } from './text-score.ts'

/** A byte-level language model's fixed batch and context: `tokens` int64 [batch, context]. */
export function lmShape(model: ModelInfo): { batch: number; context: number } | undefined {
  const tokens = model.inputs.find((i) => i.name === 'tokens')
  // `targets`: the input a model rewritten by next-byte-loss.ts has besides.
  const others = model.inputs.filter((i) => i.name !== 'tokens' && i.name !== 'targets')
  if (others.length > 0 || tokens?.type !== 'int64' || tokens.shape.length !== 2) return undefined
  const [batch, context] = tokens.shape
  return batch > 0 && context > 1 ? { batch, context } : undefined
}

/** Why a model is not a byte-level language model a text task can use. */
export function lmUnfit(task: string, scores = false): (model: ModelInfo) => string | undefined {
  return (model) => {
    if (lmShape(model) == null)
      return `${task} needs one input, tokens: int64 [batch, context] with both fixed (a train model exported to ONNX)`
    if (!model.outputs.includes('logits') && !(scores && model.outputs.includes('nll')))
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
  unfit: lmUnfit('text-score', true),
  flopsPerBatch: lmFlops,
  check: (body) => void textOf(body),
  // Scored on the contributor: a result is −ln p per position, not the whole logits.
  prepare(model, info) {
    const { batch, context } = lmShape(info)!
    return withNextByteLoss(model, batch, context)
  },
  stack: (model) => lmShape(model)!.batch,
  start: (body) => body,
  // A row per chunk: its tokens, and its targets when the model scores on the contributor.
  inputs(body, model) {
    const { context } = lmShape(model)!
    const bytes = textOf(body)
    const targets = model.inputs.some((i) => i.name === 'targets') ? targetsOf(bytes, context) : undefined
    return chunksOf(bytes, context).map((data, c): NamedTensor[] => [
      { name: 'tokens', dtype: 'int64', shape: [context], data },
      ...(targets != null
        ? [{ name: 'targets', dtype: 'int64' as const, shape: [context, 1], data: targets[c] }]
        : []),
    ])
  },
  advance(body, model, rows) {
    const { context } = lmShape(model)!
    const bytes = textOf(body)
    const named = (name: string) => rows.map((r) => r.find((t) => t.name === name)?.data as Float32Array)
    const nll = model.outputs.includes('nll')
    const result = nll ? scoreOfNll(bytes, context, named('nll')) : scoreOf(bytes, context, named('logits'))
    return { done: true, result }
  },
}
