/**
 * What a training run is made of, read once when its source starts: the corpus (served as a blob
 * and kept in shared memory), the starting weights (fresh from the seed, or a checkpoint to
 * fine-tune), the frozen base and adapter layout when training LoRA adapters, the held-out sequences,
 * and the run's identity: another model, corpus, mode, starting point or adapter shape is another run.
 */
import { readFile } from 'node:fs/promises'
import type { SourceContext } from '../kind.ts'
import { mixSeed } from '../prng.ts'
import { flatWeights, sha256Hex } from './checkpoint.ts'
import type { TrainConfig } from './config.ts'
import { drawOffsets, splitOf } from './corpus.ts'
import { initialAdapters, type LoraConfig, loraLayout } from './lora.ts'
import { initialWeights, type ParameterSpec, parameterLayout } from './model.ts'
import { shared } from './versions.ts'

export interface Run {
  /** 8 hex digits of the run's identity. */
  id: string
  corpus: Uint8Array
  corpusSha: string
  split: ReturnType<typeof splitOf>
  /** What the optimizer trains: the model's parameters, or the adapters. */
  trained: { params: ParameterSpec[]; size: number }
  /** The trained weights at step 0. */
  start: Float32Array
  lora?: LoraConfig
  /** The frozen model the adapters are trained on, and its blob. */
  base?: Float32Array
  baseSha?: string
  heldOutOffsets: number[]
}

export async function openRun(config: TrainConfig, context: SourceContext): Promise<Run> {
  const { model, lora } = config
  const corpusSha = await context.blobs.addFile(config.corpus, config.corpusSha256)
  const corpus = shared(new Uint8Array(await readFile(config.corpus)))
  const split = splitOf(corpus.length)
  const initial =
    config.init != null
      ? flatWeights(await readFile(config.init), model)
      : initialWeights(model, context.seed)
  const id = sha256Hex(
    new TextEncoder().encode(
      JSON.stringify({
        model,
        mode: config.mode,
        corpusSha,
        start: sha256Hex(new Uint8Array(initial.buffer)),
        ...(lora != null ? { lora } : {}),
      }),
    ),
  ).slice(0, 8)
  const heldOutOffsets = drawOffsets(
    mixSeed(context.seed, 0x4e1d),
    config.evalSequences,
    split.heldOut,
    model.context,
  )
  if (lora == null) {
    return { id, corpus, corpusSha, split, trained: parameterLayout(model), start: initial, heldOutOffsets }
  }
  // Fine-tuning with adapters: the initial model is the frozen base, served once; the adapters train.
  return {
    id,
    corpus,
    corpusSha,
    split,
    trained: loraLayout(model, lora),
    start: initialAdapters(model, lora, context.seed),
    lora,
    base: shared(initial),
    baseSha: await context.blobs.addFile(config.init!),
    heldOutOffsets,
  }
}
