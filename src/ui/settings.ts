/** The visitor's choices for this widget, remembered in this browser (localStorage). */
import { clampDutyCycle } from '../client/device-turns.ts'
import { isPeerId } from '../protocol/ids.ts'

export interface Settings {
  /** Fraction of time the device may be busy, MIN_DUTY_CYCLE to 1. */
  dutyCycle: number
  /** Take no new work while the tab is hidden. */
  pauseHidden: boolean
  /** Take no new work while the device runs on battery (where the browser says). */
  pauseOnBattery: boolean
  /** Work only for this validator (a peer id) or subnet (`subnet:<netuid>`); where it pays most when absent. */
  pin?: string
  /** Validators (peer ids) this browser never works for. */
  exclude: string[]
}

/** Validators one visitor may exclude: a page's worth, not a blocklist service. */
const MAX_EXCLUDED = 64
const SUBNET_PIN = /^subnet:\d{1,5}$/

const KEY = 'tessera.settings'
export const DEFAULT_SETTINGS: Settings = {
  dutyCycle: 1,
  pauseHidden: true,
  pauseOnBattery: true,
  exclude: [],
}

export function loadSettings(): Settings {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Settings>
    const duty = Number(raw.dutyCycle)
    return {
      dutyCycle: Number.isFinite(duty) ? clampDutyCycle(duty) : DEFAULT_SETTINGS.dutyCycle,
      pauseHidden: typeof raw.pauseHidden === 'boolean' ? raw.pauseHidden : DEFAULT_SETTINGS.pauseHidden,
      pauseOnBattery:
        typeof raw.pauseOnBattery === 'boolean' ? raw.pauseOnBattery : DEFAULT_SETTINGS.pauseOnBattery,
      ...(typeof raw.pin === 'string' && (isPeerId(raw.pin) || SUBNET_PIN.test(raw.pin))
        ? { pin: raw.pin }
        : {}),
      exclude: Array.isArray(raw.exclude)
        ? raw.exclude.filter((v): v is string => typeof v === 'string' && isPeerId(v)).slice(0, MAX_EXCLUDED)
        : [],
    }
  } catch {
    return { ...DEFAULT_SETTINGS }
  }
}

export function saveSettings(settings: Settings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(settings))
  } catch {
    // Storage refused (private mode, quota): the choice holds for this visit only.
  }
}

/** Whether the visitor's market choices let this browser work on an offer of `validator` in `netuid`. */
export function allows(settings: Settings, offer: { validator: string; netuid: number }): boolean {
  const pinned =
    settings.pin == null || settings.pin === offer.validator || settings.pin === `subnet:${offer.netuid}`
  return pinned && !settings.exclude.includes(offer.validator)
}

/** The Battery Status API, where the browser has it (Chromium; not Firefox or Safari). */
interface BatteryManager extends EventTarget {
  readonly charging: boolean
}

/** Calls `onChange(onBattery)` now and whenever the charger is plugged or unplugged. */
export async function watchBattery(onChange: (onBattery: boolean) => void): Promise<() => void> {
  const getBattery = (navigator as Navigator & { getBattery?: () => Promise<BatteryManager> }).getBattery
  if (getBattery == null) return () => {}
  const battery = await getBattery.call(navigator).catch(() => undefined)
  if (battery == null) return () => {}
  const update = () => onChange(!battery.charging)
  battery.addEventListener('chargingchange', update)
  update()
  return () => battery.removeEventListener('chargingchange', update)
}
