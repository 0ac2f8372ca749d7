/**
 * Epoch numbering. Epoch 0 starts at the ledger's genesis time (set on first start and kept), so
 * epoch numbers in receipts stay meaningful across restarts; a pool's processes sharing one ledger
 * share its genesis (the first to start sets it). The default length is one Bittensor tempo: 360
 * blocks x 12 s = 72 min.
 */
import type { MetaStore } from './ledger/index.ts'

export const TEMPO_MS = 360 * 12_000

export interface EpochClock {
  readonly lengthMs: number
  readonly genesis: number
  current(now?: number): number
  startOf(epoch: number): number
}

export async function createEpochClock(
  meta: MetaStore,
  lengthMs = TEMPO_MS,
  now = Date.now,
): Promise<EpochClock> {
  if (!Number.isInteger(lengthMs) || lengthMs < 1000)
    throw new RangeError('epoch length must be at least 1 s')
  let genesis = Number(await meta.get('genesis'))
  if (!Number.isSafeInteger(genesis) || genesis <= 0) {
    genesis = Number(await meta.setIfAbsent('genesis', String(now())))
  }
  return {
    lengthMs,
    genesis,
    current: (at = now()) => Math.max(0, Math.floor((at - genesis) / lengthMs)),
    startOf: (epoch) => genesis + epoch * lengthMs,
  }
}
