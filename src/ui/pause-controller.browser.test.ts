/** The widget's own pauses, in Chromium: a hidden tab, as the visitor chose. */
import { describe, expect, it } from 'vitest'
import { PauseController } from './pause-controller.ts'
import type { Settings } from './settings.ts'

describe('the pause controller', () => {
  it('pauses while the tab is hidden only when the visitor chose it, says why, and forgets on stop', async () => {
    const changes: Array<string | undefined> = []
    let settings: Settings = { dutyCycle: 1, pauseHidden: true, pauseOnBattery: false, exclude: [] }
    let hidden = false
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (hidden ? 'hidden' : 'visible'),
    })
    const pause = new PauseController({
      settings: () => settings,
      running: () => true,
      onChange: (r) => changes.push(r),
    })
    await pause.start()
    expect(changes).toEqual([])
    hidden = true
    document.dispatchEvent(new Event('visibilitychange'))
    expect(pause.reason).toBe('this tab is hidden')
    hidden = false
    document.dispatchEvent(new Event('visibilitychange'))
    expect(changes).toEqual(['this tab is hidden', undefined])
    // The option unticked: a hidden tab works on.
    settings = { ...settings, pauseHidden: false }
    hidden = true
    document.dispatchEvent(new Event('visibilitychange'))
    expect(pause.reason).toBeUndefined()
    // Stopped: the document's events no longer reach it.
    settings = { ...settings, pauseHidden: true }
    pause.stop()
    document.dispatchEvent(new Event('visibilitychange'))
    expect(changes).toEqual(['this tab is hidden', undefined])
  })
})
