/**
 * The device, shared by a contributor's lanes: one shard on it at a time, each followed by the idle
 * time that keeps it busy only `dutyCycle` of the wall time (the throttle the visitor sets).
 */
import type { ShardExecutor } from './executor.ts'

/** The lowest throttle: the widget's slider stops at 10%, and remembered settings are held to it. */
export const MIN_DUTY_CYCLE = 0.1

export function clampDutyCycle(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(MIN_DUTY_CYCLE, value)) : 1
}

export interface DeviceTurns {
  /** Runs `work` alone on the device, then idles; resolves with its value and its busy time. */
  take<T>(work: () => Promise<T>, signal: AbortSignal): Promise<{ value: T; ms: number }>
  setDutyCycle(value: number): void
}

export function createDeviceTurns(executor: ShardExecutor, dutyCycle = 1): DeviceTurns {
  let duty = clampDutyCycle(dutyCycle)
  let queue: Promise<void> = Promise.resolve()
  return {
    take(work, signal) {
      const turn = queue.then(async () => {
        const started = performance.now()
        const value = await work()
        const ms = performance.now() - started
        // An aborted idle is Stop: the turn's value still counts.
        if (duty < 1 && !signal.aborted) await executor.sleep(ms * (1 / duty - 1), signal).catch(() => {})
        return { value, ms }
      })
      // A failed shard is its lane's to report; the next turn runs regardless.
      queue = turn.then(
        () => {},
        () => {},
      )
      return turn
    },
    setDutyCycle(value) {
      duty = clampDutyCycle(value)
    },
  }
}
