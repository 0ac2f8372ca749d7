/**
 * What a training step is made of, and the guard in front of the model. A step's accepted results
 * wait here until there are `shardsPerStep` of them; then each is compared with the mean of the
 * others (leave one out), and one that points away from them (cosine below DIRECTION_THRESHOLD)
 * is recomputed before the step is taken. A wrong one leaves the step, its contributor is struck
 * (which forfeits its epoch's credit, the receipt for this result included) and the step waits for
 * another result; an honest one stays.
 *
 * Why the step's other results and not the run's momentum: on the run in poisoning.test.ts the
 * cosine of an honest result with AdamW's first moment was negative for 40% of results (the
 * gradient turns as the model overshoots, and the moment lags), with its step's other results for
 * 2.5%. Recomputing costs the validator a shard; a false alarm costs nothing else.
 */
import { compareVectors } from './compare.ts'

/**
 * A result whose cosine with the mean of its step's other results falls below this is recomputed
 * before the step. Zero is the first-order bound: an update v changes the loss by about −lr·⟨v, g⟩,
 * so a result with a negative cosine with the true gradient g (estimated by the step's other
 * results) would raise the loss, and one with a non-negative cosine cannot to first order.
 */
export const DIRECTION_THRESHOLD = 0

export interface StepEntry<T = unknown> {
  vector: Float32Array
  fromStep: number
  /** Already recomputed (sampled, audited, an outlier): not recomputed again. */
  checked: boolean
  /** What the source needs to recompute it and to strike its contributor. */
  tag: T
}

export interface StepGuardOptions<T> {
  shardsPerStep: number
  /** Recomputes an entry; a message when it does not match the recomputation. */
  check(entry: StepEntry<T>): Promise<string | undefined>
  /** The entry was wrong: it leaves the step. */
  reject(entry: StepEntry<T>, message: string): void
  /** The step's results, guarded: take the step. */
  apply(entries: StepEntry<T>[]): void
  /** A recomputation that failed to run: the entry stays (it was accepted), and the failure is told. */
  onError(err: unknown): void
}

export interface StepGuard<T> {
  add(entry: StepEntry<T>): void
  /** Results waiting for the next step. */
  pending(): number
  /** Resolves once no guard is running (close()). */
  idle(): Promise<void>
  /** Results recomputed because they pointed away from their step. */
  readonly astray: number
}

/** The entries whose cosine with the mean of the others is below the threshold. */
export function astrayOf<T>(entries: readonly StepEntry<T>[]): StepEntry<T>[] {
  if (entries.length < 2) return []
  const length = entries[0].vector.length
  const sum = new Float64Array(length)
  for (const { vector } of entries) for (let i = 0; i < length; i++) sum[i] += vector[i]
  const others = new Float32Array(length)
  return entries.filter(({ vector }) => {
    for (let i = 0; i < length; i++) others[i] = sum[i] - vector[i]
    return compareVectors(vector, others).cosine < DIRECTION_THRESHOLD
  })
}

export function createStepGuard<T>(options: StepGuardOptions<T>): StepGuard<T> {
  const pending: StepEntry<T>[] = []
  let running: Promise<void> | undefined
  let astray = 0

  // The step is what is waiting when the guard looks; results that come while it recomputes wait for
  // the next one (were they let in, a steady stream of new suspects would hold the step for ever).
  async function guard(): Promise<void> {
    while (pending.length >= options.shardsPerStep) {
      const step = pending.slice()
      for (const entry of astrayOf(step).filter((e) => !e.checked)) {
        entry.checked = true
        astray++
        const failure = await options.check(entry).catch((err) => void options.onError(err))
        if (failure == null) continue
        step.splice(step.indexOf(entry), 1)
        pending.splice(pending.indexOf(entry), 1)
        options.reject(entry, failure)
      }
      // Fewer than a step once the wrong ones left: wait for more, and look at them all again.
      if (step.length < options.shardsPerStep) continue
      pending.splice(0, step.length)
      options.apply(step)
    }
  }
  const kick = () => {
    if (running != null || pending.length < options.shardsPerStep) return
    running = guard().finally(() => {
      running = undefined
      kick()
    })
  }

  return {
    add(entry) {
      pending.push(entry)
      kick()
    },
    pending: () => pending.length,
    idle: async () => {
      while (running != null) await running.catch(() => {})
    },
    get astray() {
      return astray
    },
  }
}
