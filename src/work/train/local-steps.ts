/**
 * How many local steps a low-communication shard takes: enough that handing in its weight change
 * (int8, about one byte per parameter) takes at most `uploadShare` of the time its steps compute,
 * on the lessee's measured device and uplink. More local steps per round trip is how training stays
 * bound by the GPU and not by a home uplink (DiLoCo takes H = 500 over datacentre links; a page
 * behind 10 Mbit/s needs its own H).
 */
import type { Lessee } from '../kind.ts'

export interface LocalStepShape {
  /** FLOPs of one local step (a micro-batch forward and backward). */
  stepFlops: number
  /** Bytes a result uploads whatever its steps: the int8 weight change. */
  deltaBytes: number
  /** The run's configured steps: the fewest a shard takes, and what an unmeasured lessee gets. */
  min: number
  max: number
  /** Largest share of a shard's compute time its upload may take. */
  uploadShare: number
}

/** 0.1: a shard spends at most a tenth of its compute time's worth handing in its result. */
export const DEFAULT_UPLOAD_SHARE = 0.1

export function localStepsFor(
  lessee: Pick<Lessee, 'flopsPerSecond' | 'uplinkBytesPerSecond'>,
  shape: LocalStepShape,
): number {
  const { flopsPerSecond, uplinkBytesPerSecond } = lessee
  if (!(flopsPerSecond > 0) || !(uplinkBytesPerSecond > 0)) return shape.min
  const uploadSeconds = shape.deltaBytes / uplinkBytesPerSecond
  const stepSeconds = shape.stepFlops / flopsPerSecond
  const wanted = Math.ceil(uploadSeconds / (shape.uploadShare * stepSeconds))
  return Math.max(shape.min, Math.min(shape.max, wanted))
}

/** Steps back whose chosen number of local steps is kept (a canary or a late shard of that step). */
const STEPS_KEPT = 64
/** Recent lessees whose links decide the next step's local steps. */
const WANTS_KEPT = 16

export interface StepSizer {
  /** Local steps of `step`'s shards: fixed by the first shard cut for it, so a step's weight changes compare. */
  steps(step: number, lessee?: Pick<Lessee, 'flopsPerSecond' | 'uplinkBytesPerSecond'>): number
}

/**
 * One number of local steps per training step, the median of what recent lessees' links ask for:
 * results of one step are averaged (and held to its median norm), so they must be the same amount
 * of work; the run follows the links of the contributors it has.
 */
export function createStepSizer(shape: LocalStepShape): StepSizer {
  const wants: number[] = []
  const chosen = new Map<number, number>()
  return {
    steps(step, lessee) {
      if (lessee != null && lessee.flopsPerSecond > 0 && lessee.uplinkBytesPerSecond > 0) {
        wants.push(localStepsFor(lessee, shape))
        if (wants.length > WANTS_KEPT) wants.shift()
      }
      let steps = chosen.get(step)
      if (steps == null) {
        const sorted = [...wants].sort((a, b) => a - b)
        steps = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : shape.min
        chosen.set(step, steps)
        for (const kept of chosen.keys()) if (kept < step - STEPS_KEPT) chosen.delete(kept)
      }
      return steps
    },
  }
}
