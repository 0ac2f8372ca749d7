/**
 * A training run's shards: which sequences of the training split a shard holds (drawn from its seed),
 * on which published version, and its id, from which the same shard is rebuilt after a restart.
 */
import type { Shard } from '../kind.ts'
import type { TrainGrant } from './codec.ts'
import type { TrainConfig } from './config.ts'
import { drawOffsets } from './corpus.ts'
import { trainFlops } from './model.ts'
import type { Run } from './run.ts'
import type { VersionStore } from './versions.ts'

export const OFFER_ID = 'train'

export interface ShardCutter {
  /** FLOPs of a shard of the run's configured size, and of the largest (local mode: link-sized steps). */
  readonly flops: number
  readonly maxFlops: number
  /** FLOPs of one local step (a micro-batch). */
  readonly stepFlops: number
  /**
   * The shard of `seed`'s sequences on `step`'s version; `canary` numbers a repeat of it; `localSteps`
   * (local mode) takes that many micro-batches instead of the configured number.
   */
  cut(step: number, seed: number, canary?: number, localSteps?: number): Shard<TrainGrant> | undefined
  /** The shard an id names, while its version is still served. */
  restore(id: string): Shard<TrainGrant> | undefined
}

export function createShardCutter(
  config: TrainConfig,
  run: Run,
  versions: VersionStore,
  offerId: string = OFFER_ID,
): ShardCutter {
  const { model, microBatch } = config
  const flopsOf = (sequences: number) => trainFlops(model, sequences * model.context)
  const configured = config.sequences / microBatch
  const cut = (
    step: number,
    seed: number,
    canary?: number,
    localSteps = configured,
  ): Shard<TrainGrant> | undefined => {
    const version = versions.get(step)
    if (version == null) return undefined
    const local = config.mode === 'local'
    const steps = local ? Math.max(configured, Math.min(config.maxLocalSteps, localSteps)) : configured
    const sequences = steps * microBatch
    // Ids of the configured size read as before; a link-sized shard's names its steps.
    const sized = steps !== configured ? `.h${steps}` : ''
    return {
      shardId: `train.${run.id}.${step}.${seed}${sized}${canary != null ? `.c${canary}` : ''}`,
      offerId,
      // Copies of one batch (a canary and its original) go to different contributors.
      group: `train.${run.id}.${step}.${seed}`,
      flops: flopsOf(sequences),
      grant: {
        weights: version.sha,
        step,
        model,
        corpus: run.corpusSha,
        offsets: drawOffsets(seed, sequences, run.split.train, model.context),
        microBatch,
        seed,
        local: local ? { ...config.local, steps } : undefined,
        block: config.block,
        ...(run.lora != null ? { lora: { base: run.baseSha!, ...run.lora } } : {}),
      },
    }
  }
  return {
    flops: flopsOf(config.sequences),
    maxFlops: flopsOf((config.mode === 'local' ? config.maxLocalSteps : configured) * microBatch),
    stepFlops: flopsOf(microBatch),
    cut,
    restore(id) {
      const m = /^train\.([0-9a-f]{8})\.(\d+)\.(\d+)(?:\.h(\d+))?(?:\.c(\d+))?$/.exec(id)
      if (m == null || m[1] !== run.id) return undefined
      const steps = m[4] != null ? Number(m[4]) : configured
      if (m[4] != null && (config.mode !== 'local' || steps <= configured || steps > config.maxLocalSteps))
        return undefined
      return cut(Number(m[2]), Number(m[3]), m[5] != null ? Number(m[5]) : undefined, steps)
    },
  }
}
