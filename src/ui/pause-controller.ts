/**
 * When the widget holds work back by itself: while its tab is hidden, or while the device runs on
 * battery, as the visitor chose (settings.ts). It watches both once a session runs and says, through
 * `onChange`, why work is paused now, or that it runs again.
 */
import { type Settings, watchBattery } from './settings.ts'

export interface PauseControllerOptions {
  settings(): Settings
  /** Work is paused now for `reason`, or runs again (undefined). */
  onChange(reason: string | undefined): void
  /** Whether a session runs (nothing to pause otherwise). */
  running(): boolean
}

export class PauseController {
  readonly #options: PauseControllerOptions
  #onBattery = false
  #unwatchBattery: (() => void) | undefined
  #reason: string | undefined
  #onVisibility = () => this.apply()

  constructor(options: PauseControllerOptions) {
    this.#options = options
  }

  /** Why work is paused now; undefined while it runs. */
  get reason(): string | undefined {
    return this.#reason
  }

  /** A session started: watch the battery, and apply the visitor's choices to it. */
  async start(): Promise<void> {
    this.#reason = undefined
    document.addEventListener('visibilitychange', this.#onVisibility)
    this.#unwatchBattery ??= await watchBattery((onBattery) => {
      this.#onBattery = onBattery
      this.apply()
    })
    this.apply()
  }

  /** A new session replaced the old one (device recovery): it starts unpaused. */
  reset(): void {
    this.#reason = undefined
  }

  stop(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility)
    this.#unwatchBattery?.()
    this.#unwatchBattery = undefined
    this.#reason = undefined
  }

  /** Pauses or resumes for the conditions as they are now. */
  apply(): void {
    if (!this.#options.running()) return
    const settings = this.#options.settings()
    const reason =
      settings.pauseHidden && document.visibilityState === 'hidden'
        ? 'this tab is hidden'
        : settings.pauseOnBattery && this.#onBattery
          ? 'this device is running on battery'
          : undefined
    if (reason === this.#reason) return
    this.#reason = reason
    this.#options.onChange(reason)
  }
}
