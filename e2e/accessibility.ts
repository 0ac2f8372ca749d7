/**
 * One check per main state of the page: axe-core finds no serious or critical accessibility
 * violation, and a screenshot of the state is kept as a test artifact (test-results/, not committed).
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'

export async function checkState(page: Page, state: string): Promise<void> {
  const testInfo = test.info()
  const { violations } = await new AxeBuilder({ page }).analyze()
  const blocking = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(blocking, `accessibility of the ${state} state`).toEqual([])
  const path = testInfo.outputPath(`${state}.png`)
  await page.screenshot({ path, fullPage: true })
  await testInfo.attach(state, { path, contentType: 'image/png' })
}
