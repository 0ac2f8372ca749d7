/**
 * The controls a visitor relies on: the throttle and the pause options are remembered across
 * visits, a hidden tab takes no new work until it is shown again, and a device on battery pauses
 * until the visitor says otherwise. (How closely the throttle holds the device's busy time is
 * measured in src/client/duty-cycle.test.ts.)
 */
import { expect, type Page, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'

let validator: ValidatorProcess
test.beforeAll(async () => {
  validator = await startValidatorProcess()
})
test.afterAll(async () => {
  await validator?.stop()
})

const accepted = async (page: Page) => Number(await page.getByTestId('accepted').textContent())

/** What the browser does when the visitor switches tabs (headless tabs are always visible). */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (hidden ? 'hidden' : 'visible'),
    })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

/**
 * Accepted shards stop changing: for `ms` in a row once the shards in hand (up to one per lane, each
 * with its throttle idle) were handed in. A page that kept leasing would never hold still this long.
 */
async function expectStill(page: Page, ms: number): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const held = await accepted(page)
    await page.waitForTimeout(ms)
    if ((await accepted(page)) === held) return
    expect(Date.now(), 'accepted shards kept growing while paused').toBeLessThan(deadline)
  }
}

test('throttle and pause options are remembered, and a hidden tab takes no new work until shown', async ({
  page,
}) => {
  await page.goto(validator.url)
  await page.getByTestId('throttle').fill('50')
  await page.getByTestId('pause-battery').uncheck()
  await page.reload()
  await expect(page.getByTestId('throttle')).toHaveValue('50')
  await expect(page.getByTestId('pause-battery')).not.toBeChecked()
  await expect(page.getByTestId('pause-hidden')).toBeChecked()

  await page.getByTestId('start').click()
  await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(2)
  await setHidden(page, true)
  await expect(page.getByTestId('status')).toContainText('Paused: this tab is hidden')
  await expectStill(page, 4000)

  await setHidden(page, false)
  const resumedAt = await accepted(page)
  await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(resumedAt + 2)
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('status')).toContainText('Stopped')
})

test('on battery the page pauses until the visitor unticks the option', async ({ page }) => {
  // The Battery Status API as Chromium has it, reporting a laptop off its charger.
  await page.addInitScript(() => {
    const battery = Object.assign(new EventTarget(), { charging: false })
    Object.defineProperty(navigator, 'getBattery', { value: async () => battery })
  })
  await page.goto(validator.url)
  await expect(page.getByTestId('pause-battery')).toBeChecked()
  await page.getByTestId('start').click()
  await expect(page.getByTestId('status')).toContainText('Paused: this device is running on battery')
  await expectStill(page, 3000)
  await page.getByTestId('pause-battery').uncheck()
  await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(2)
  await page.getByTestId('stop').click()
})
