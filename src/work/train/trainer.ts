/**
 * The validator's optimizer: a step's accepted results become one step of the model (their
 * aggregate: aggregate.ts). Plain data in, plain data out; validator.ts owns what a step is made of
 * (and guards it), the versions, blobs and checkpoints around it.
 *
 * - Data parallel (`gradient`): the weighted mean gradient, clipped to a global norm, is one AdamW
 *   step (linear warm-up, then constant learning rate).
 * - Low communication (`local`): each result is a weight change after H local AdamW steps; their
 *   weighted mean, negated, is the outer gradient of a Nesterov momentum step (DiLoCo).
 *
 * A result computed on a version `s` steps old counts with weight 1 / (1 + s) (staleness-aware
 * averaging, as in Zhang et al., "Staleness-aware async-SGD", 2016); older than `maxStaleness`, it
 * is refused before it gets here.
 */
import { adamwRef } from '../../gpu/kernels/adamw.ref.ts'
import { type Aggregate, aggregate } from './aggregate.ts'

export interface OptimizerConfig {
  mode: 'gradient' | 'local'
  shardsPerStep: number
  lr: number
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
  warmupSteps: number
  /** Largest global norm of a step's mean gradient (data parallel). */
  clipNorm: number
  outerLr: number
  outerMomentum: number
  /** How a step's results become one vector (aggregate.ts). */
  aggregate: Aggregate
}

export interface TrainerState {
  step: number
  weights: Float32Array
  /** AdamW moments (data parallel) — or the outer momentum in `m` (low communication). */
  m: Float32Array
  v: Float32Array
}

export interface Trainer {
  readonly state: TrainerState
  /** Weight of a result computed on `fromStep`: 1 / (1 + staleness). */
  discount(fromStep: number): number
  /** One optimizer step from a step's accepted results; the weights change. */
  step(results: ReadonlyArray<{ vector: Float32Array; fromStep: number }>): void
}

export function freshState(weights: Float32Array): TrainerState {
  return { step: 0, weights, m: new Float32Array(weights.length), v: new Float32Array(weights.length) }
}

export function createTrainer(config: OptimizerConfig, state: TrainerState): Trainer {
  const discount = (fromStep: number) => 1 / (1 + Math.max(0, state.step - fromStep))

  function step(results: ReadonlyArray<{ vector: Float32Array; fromStep: number }>) {
    const mean = aggregate(
      config.aggregate,
      results.map((r) => ({ vector: r.vector, weight: discount(r.fromStep) })),
    )
    state.step++
    if (config.mode === 'gradient') {
      let norm = 0
      for (const g of mean) norm += g * g
      norm = Math.sqrt(norm)
      if (norm > config.clipNorm) for (let i = 0; i < mean.length; i++) mean[i] *= config.clipNorm / norm
      const warm = config.warmupSteps > 0 ? Math.min(1, state.step / config.warmupSteps) : 1
      adamwRef(state.weights, mean, state.m, state.v, {
        lr: config.lr * warm,
        beta1: config.beta1,
        beta2: config.beta2,
        eps: config.eps,
        weightDecay: config.weightDecay,
        step: state.step,
      })
      return
    }
    // Outer gradient g = −mean delta; Nesterov: u = μu + g, w −= lr (g + μu).
    const { m: u, weights: w } = state
    const mu = config.outerMomentum
    for (let i = 0; i < w.length; i++) {
      const g = -mean[i]
      u[i] = mu * u[i] + g
      w[i] -= config.outerLr * (g + mu * u[i])
    }
  }

  return { state, discount, step }
}
