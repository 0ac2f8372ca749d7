/**
 * The page's main states pass axe-core with no serious or critical violation, each kept as a
 * screenshot artifact: consent (before Start), running, stopped, and the error a visitor sees when
 * no validator answers. The claim review and the embedded widget are checked in their own specs.
 */
import { expect, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { checkState } from './accessibility.ts'

let validator: ValidatorProcess
test.beforeAll(async () => {
  validator = await startValidatorProcess()
})
test.afterAll(async () => {
  await validator?.stop()
})

test('consent, running and stopped states are accessible', async ({ page }) => {
  await page.goto(validator.url)
  await expect(page.getByText('Nothing runs before you press')).toBeVisible()
  // This validator runs no training: its panel is not shown with empty placeholders.
  await expect(page.locator('tessera-training')).toBeHidden()
  await checkState(page, 'consent')
  await page.getByTestId('start').click()
  await expect
    .poll(async () => Number(await page.getByTestId('accepted').textContent()), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(1)
  await checkState(page, 'running')
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('status')).toContainText('Stopped')
  await checkState(page, 'stopped')
})

test('the error a visitor sees when no validator answers is accessible', async ({ page }) => {
  const { peerId } = await (await fetch(new URL('api/bootstrap', validator.url))).json()
  // A port nothing listens on (the HTTP server's, which speaks no WebSocket libp2p).
  const nowhere = `/ip4/127.0.0.1/tcp/${new URL(validator.url).port}/ws/p2p/${peerId}`
  await page.goto(`${validator.url}?bootstrap=${encodeURIComponent(nowhere)}`)
  await page.getByTestId('start').click()
  await expect(page.getByTestId('status')).toContainText('Could not start', { timeout: 60_000 })
  await checkState(page, 'error')
})
