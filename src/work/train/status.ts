/**
 * A training run's state as its validator reports it (`/api/status`, `sources.train`): what the
 * run's page panel shows. Checked where it is read, since a page reads it from another origin.
 */
import type { ModelConfig } from './model.ts'

export interface TrainPoint {
  step: number
  heldOutLoss: number
  trainLoss: number | null
  at: number
}

export interface TrainStatus {
  run: string
  mode: 'gradient' | 'local'
  model: ModelConfig
  step: number
  /** The current version's weights blob (sha256, hex). */
  weights: string
  heldOutLoss: number | null
  trainLoss: number | null
  /** The held-out curve, its latest points. */
  history: TrainPoint[]
}

/** Points of the curve a status carries at most. */
export const MAX_STATUS_POINTS = 200

/** The status if `value` is one, else undefined (a validator that runs no training, or garbage). */
export function parseTrainStatus(value: unknown): TrainStatus | undefined {
  const v = value as Partial<TrainStatus> | null
  if (v == null || typeof v !== 'object') return undefined
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x)
  const numOrNull = (x: unknown) => x === null || num(x)
  const model = v.model as Partial<ModelConfig> | undefined
  const ok =
    typeof v.run === 'string' &&
    v.run.length <= 64 &&
    (v.mode === 'gradient' || v.mode === 'local') &&
    Number.isSafeInteger(v.step) &&
    typeof v.weights === 'string' &&
    /^[0-9a-f]{64}$/.test(v.weights) &&
    numOrNull(v.heldOutLoss) &&
    numOrNull(v.trainLoss) &&
    model != null &&
    ['vocab', 'layers', 'width', 'heads', 'context'].every((k) =>
      Number.isSafeInteger(model[k as keyof ModelConfig]),
    ) &&
    Array.isArray(v.history) &&
    v.history.length <= MAX_STATUS_POINTS &&
    v.history.every(
      (p) => Number.isSafeInteger(p?.step) && num(p?.heldOutLoss) && numOrNull(p?.trainLoss ?? null),
    )
  return ok ? (v as TrainStatus) : undefined
}
