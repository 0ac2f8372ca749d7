/**
 * The `train` section of the subnet config (docs/SUBNET-OWNERS.md): the model, the corpus, the mode
 * and its optimizer, verification and checkpoint settings, LoRA. Every problem names its key.
 */

import { resolve } from 'node:path'
import { readConfig } from '../config.ts'
import { AGGREGATES, type Aggregate } from './aggregate.ts'
import { LIMITS, type LocalOptimizer } from './codec.ts'
import { DEFAULT_BLOCK } from './compress.ts'
import { DEFAULT_UPLOAD_SHARE } from './local-steps.ts'
import type { LoraConfig } from './lora.ts'
import type { ModelConfig } from './model.ts'
import type { OptimizerConfig } from './trainer.ts'

/**
 * Shipped with the repository (corpora/README.md), found from the installation's root the validator
 * hands the kind (SourceContext.shippedDir): a kind reaches nothing outside its folder.
 */
const DEFAULT_CORPUS = 'corpora/tinyshakespeare.txt'
const DEFAULT_CORPUS_SHA256 = '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed'

export interface TrainConfig {
  corpus: string
  corpusSha256?: string
  model: ModelConfig
  mode: 'gradient' | 'local'
  sequences: number
  microBatch: number
  optimizer: OptimizerConfig
  local: LocalOptimizer
  /** Local mode: most local steps a link-sized shard takes (local-steps.ts), and the share of its compute its upload may take. */
  maxLocalSteps: number
  uploadShare: number
  maxStaleness: number
  verifyFraction: number
  canaryFraction: number
  evalEvery: number
  evalSequences: number
  checkpointEvery: number
  maxSteps: number
  init?: string
  /** Fine-tuning with adapters on the frozen `init` model. */
  lora?: LoraConfig
  block: number
}

export function parseTrainConfig(
  section: unknown,
  configDir: string,
  shippedDir: string,
): TrainConfig | undefined {
  if (section == null || section === false) return undefined
  const c = readConfig('train', section)
  const mode = c.raw.mode ?? 'gradient'
  if (mode !== 'gradient' && mode !== 'local') return c.fail('mode', 'must be "gradient" or "local"')
  const model = {
    vocab: 256,
    layers: c.int('layers', 4, 1, LIMITS.layers),
    width: c.int('width', 128, 1, LIMITS.width),
    heads: c.int('heads', 4, 1, LIMITS.heads),
    context: c.int('context', 64, 2, LIMITS.context),
  }
  if (model.width % model.heads !== 0) c.fail('width', 'must be a multiple of heads')
  const sequences = c.int('sequences', 8, 1, LIMITS.offsets)
  const microBatch = c.int('microBatch', Math.min(4, sequences), 1, sequences)
  if (sequences % microBatch !== 0) c.fail('microBatch', 'must divide sequences')
  const text = (key: string) => {
    const v = c.raw[key]
    if (v != null && typeof v !== 'string') c.fail(key, 'must be a path')
    return v as string | undefined
  }
  const corpus = text('corpus')
  return {
    corpus: corpus == null ? resolve(shippedDir, DEFAULT_CORPUS) : resolve(configDir, corpus),
    corpusSha256: text('corpusSha256') ?? (corpus == null ? DEFAULT_CORPUS_SHA256 : undefined),
    model,
    mode,
    sequences,
    microBatch,
    optimizer: {
      mode,
      shardsPerStep: c.int('shardsPerStep', 4, 1, 1024),
      lr: c.number('lr', 1e-3, 0, 10),
      beta1: c.number('beta1', 0.9, 0, 0.999999),
      beta2: c.number('beta2', 0.99, 0, 0.999999),
      eps: 1e-8,
      weightDecay: c.number('weightDecay', 0, 0, 1),
      warmupSteps: c.int('warmupSteps', 0, 0, 1e6),
      clipNorm: c.number('clipNorm', 1, 1e-6, 1e6),
      outerLr: c.number('outerLr', 0.7, 0, 10),
      outerMomentum: c.number('outerMomentum', 0.9, 0, 0.999),
      aggregate: aggregateOf(c),
    },
    local: {
      steps: sequences / microBatch,
      lr: c.number('localLr', 1e-3, 0, 10),
      beta1: 0.9,
      beta2: 0.99,
      eps: 1e-8,
      weightDecay: 0,
    },
    maxLocalSteps: c.int(
      'maxLocalSteps',
      Math.min(Math.floor(LIMITS.offsets / microBatch), LIMITS.localSteps),
      sequences / microBatch,
      Math.min(Math.floor(LIMITS.offsets / microBatch), LIMITS.localSteps),
    ),
    uploadShare: c.number('uploadShare', DEFAULT_UPLOAD_SHARE, 0.001, 1),
    maxStaleness: c.int('maxStaleness', 4, 0, 1000),
    verifyFraction: c.number('verifyFraction', 0.25, 0, 1),
    canaryFraction: c.number('canaryFraction', 0.05, 0, 1),
    evalEvery: c.int('evalEvery', 10, 1, 1e6),
    evalSequences: c.int('evalSequences', 32, 1, 4096),
    checkpointEvery: c.int('checkpointEvery', 10, 1, 1e6),
    maxSteps: c.int('maxSteps', 0, 0, 1e9),
    init: text('init') != null ? resolve(configDir, text('init')!) : undefined,
    lora: parseLora(c, model.width, mode, text('init')),
    block: c.int('block', DEFAULT_BLOCK, 16, LIMITS.block),
  }
}

function aggregateOf(c: ReturnType<typeof readConfig>): Aggregate {
  const value = c.raw.aggregate ?? 'mean'
  if (!(AGGREGATES as readonly unknown[]).includes(value)) {
    return c.fail('aggregate', `must be one of ${AGGREGATES.map((a) => `"${a}"`).join(', ')}`)
  }
  return value as Aggregate
}

function parseLora(
  c: ReturnType<typeof readConfig>,
  width: number,
  mode: string,
  init?: string,
): LoraConfig | undefined {
  const section = c.raw.lora
  if (section == null || section === false) return undefined
  if (typeof section !== 'object') return c.fail('lora', 'must be an object like { "rank": 8 }')
  if (init == null) return c.fail('lora', 'needs `init`: the model whose adapters are trained')
  if (mode !== 'gradient') return c.fail('lora', 'is trained in gradient mode only')
  const l = readConfig('train.lora', section)
  const rank = l.int('rank', 8, 1, Math.min(width, 256))
  return { rank, alpha: l.number('alpha', 2 * rank, 0, 1e6) }
}
