/**
 * The widget's own controls for the visitor's settings (settings.ts): the GPU-use slider (the duty
 * cycle) and the pause options, shown as remembered and remembered as changed.
 */
import type { Settings } from './settings.ts'

export interface SettingsControlsOptions {
  root: ParentNode
  settings(): Settings
  remember(change: Partial<Settings>): void
  /** The duty cycle changed: a running session takes it at its next shard. */
  onDutyCycle(dutyCycle: number): void
  /** A pause option changed: the pause controller applies it now. */
  onPauseOption(): void
}

export function bindSettingsControls(options: SettingsControlsOptions): void {
  const { root, settings, remember } = options
  const throttle = root.querySelector<HTMLInputElement>('[data-testid="throttle"]')!
  const shown = root.querySelector<HTMLOutputElement>('[data-field="throttle"]')!
  throttle.value = String(Math.round(settings().dutyCycle * 100))
  shown.textContent = `${throttle.value}%`
  throttle.addEventListener('input', () => {
    shown.textContent = `${throttle.value}%`
    remember({ dutyCycle: Number(throttle.value) / 100 })
    options.onDutyCycle(settings().dutyCycle)
  })
  for (const [id, key] of [
    ['pause-hidden', 'pauseHidden'],
    ['pause-battery', 'pauseOnBattery'],
  ] as const) {
    const box = root.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!
    box.checked = settings()[key]
    box.addEventListener('change', () => {
      remember({ [key]: box.checked })
      options.onPauseOption()
    })
  }
}
