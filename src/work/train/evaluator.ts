/**
 * The run's held-out curve: the loss of model versions on held-out text, one evaluation at a time (on
 * the verification threads); a version asked for meanwhile is evaluated next, the latest one wins.
 * A failed evaluation leaves a gap in the curve, and is logged and counted.
 */
import { logger } from '@libp2p/logger'

const log = logger('tessera:train')

export interface HistoryPoint {
  step: number
  heldOutLoss: number
  trainLoss: number | null
  at: number
}

export interface Evaluator {
  evaluate(step: number, weights: Float32Array): void
  readonly history: HistoryPoint[]
  readonly failures: number
  /** Resolves once no evaluation is running. */
  idle(): Promise<void>
}

export interface EvaluatorOptions {
  /** Held-out loss of these weights. */
  loss(weights: Float32Array): Promise<number>
  /** The training loss to note beside each point. */
  trainLoss(): number | null
  history: HistoryPoint[]
}

export function createEvaluator(options: EvaluatorOptions): Evaluator {
  const { history } = options
  let running: Promise<void> | undefined
  let wanted: { step: number; weights: Float32Array } | undefined
  let failures = 0

  async function drain() {
    while (wanted != null) {
      const { step, weights } = wanted
      wanted = undefined
      try {
        history.push({
          step,
          heldOutLoss: await options.loss(weights),
          trainLoss: options.trainLoss(),
          at: Date.now(),
        })
      } catch (err) {
        failures++
        log.error('held-out evaluation of step %d failed: %e', step, err)
      }
    }
  }

  return {
    evaluate(step, weights) {
      wanted = { step, weights }
      running ??= drain().finally(() => {
        running = undefined
      })
    },
    history,
    get failures() {
      return failures
    },
    idle: async () => {
      await running
    },
  }
}
