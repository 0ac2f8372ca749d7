/** `text-score` as a job task (text-score.ts has the arithmetic). */
import { gemmFlops } from '../../../work/gemm-flops.ts'
import type { NamedTensor } from '../../../work/kind.ts'
import type { ModelInfo } from '../models.ts'
import type { Task } from './index.ts'
import { withNextByteLoss } from './next-byte-loss.ts'
import { chunksOf, packChunks, packTargets, scoreOf, scoreOfNll, textOf, unpackLogits } from './text-score.ts'

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
  start: (body) => body,
  inputs(body, model) {
    const { batch, context } = lmShape(model)!
    const bytes = textOf(body)
    const targets = model.inputs.some((i) => i.name === 'targets')
      ? packTargets(bytes, batch, context)
      : undefined
    return packChunks(chunksOf(bytes, context), batch, context).map((data, b): NamedTensor[] => [
      { name: 'tokens', dtype: 'int64', shape: [batch, context], data },
      ...(targets != null
        ? [{ name: 'targets', dtype: 'int64' as const, shape: [batch, context, 1], data: targets[b] }]
        : []),
    ])
  },
  advance(body, model, outputs) {
    const { batch, context } = lmShape(model)!
    const bytes = textOf(body)
    const named = (name: string) => outputs.map((o) => o.find((t) => t.name === name)?.data as Float32Array)
    if (model.outputs.includes('nll'))
      return { done: true, result: scoreOfNll(bytes, batch, context, named('nll')) }
    const chunks = Math.ceil(bytes.length / context)
    return {
      done: true,
      result: scoreOf(bytes, context, unpackLogits(named('logits'), chunks, batch, context)),
    }
  },
}
