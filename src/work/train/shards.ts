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
  /** FLOPs of every shard of the run. */
  readonly flops: number
  /** The shard of `seed`'s sequences on `step`'s version; `canary` numbers a repeat of it. */
  cut(step: number, seed: number, canary?: number): Shard<TrainGrant> | undefined
  /** The shard an id names, while its version is still served. */
  restore(id: string): Shard<TrainGrant> | undefined
}

export function createShardCutter(
  config: TrainConfig,
  run: Run,
  versions: VersionStore,
  offerId: string = OFFER_ID,
): ShardCutter {
  const { model } = config
  const flops = trainFlops(model, config.sequences * model.context)
  const cut = (step: number, seed: number, canary?: number): Shard<TrainGrant> | undefined => {
    const version = versions.get(step)
    if (version == null) return undefined
    return {
      shardId: `train.${run.id}.${step}.${seed}${canary != null ? `.c${canary}` : ''}`,
      offerId,
      // Copies of one batch (a canary and its original) go to different contributors.
      group: `train.${run.id}.${step}.${seed}`,
      flops,
      grant: {
        weights: version.sha,
        step,
        model,
        corpus: run.corpusSha,
        offsets: drawOffsets(seed, config.sequences, run.split.train, model.context),
        microBatch: config.microBatch,
        seed,
        local: config.mode === 'local' ? config.local : undefined,
        block: config.block,
        ...(run.lora != null ? { lora: { base: run.baseSha!, ...run.lora } } : {}),
      },
    }
  }
  return {
    flops,
    cut,
    restore(id) {
      const m = /^train\.([0-9a-f]{8})\.(\d+)\.(\d+)(?:\.c(\d+))?$/.exec(id)
      if (m == null || m[1] !== run.id) return undefined
      return cut(Number(m[2]), Number(m[3]), m[4] != null ? Number(m[4]) : undefined)
    },
  }
}
