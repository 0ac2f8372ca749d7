/**
 * What a contributor sees of its earnings: lifetime counts that survive a reload and go on from
 * there at the next Start, the receipts it holds, and the current epoch's estimated payout from the
 * validator's pool.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'

let validator: ValidatorProcess
test.beforeAll(async () => {
  validator = await startValidatorProcess(['--pool', '2'])
})
test.afterAll(async () => {
  await validator?.stop()
})

const accepted = async (page: Page) => Number(await page.getByTestId('accepted').textContent())

test('lifetime counts survive a reload and Start, receipts are listed, and the epoch payout is estimated', async ({
  page,
}) => {
  await page.goto(validator.url)
  await page.getByTestId('start').click()
  await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(3)
  // Live charts (delivered rate; accepted, rejected and credit) fill as the work goes on, and the
  // network panel says how far the validator is and what this browser keeps of its data.
  for (const chart of ['chart-rate', 'chart-shards']) {
    await expect
      .poll(async () => Number(await page.getByTestId(chart).getAttribute('data-samples')))
      .toBeGreaterThanOrEqual(3)
    await expect(page.getByTestId(chart).locator('canvas')).toBeVisible()
  }
  await expect(page.getByTestId('chart-shards')).toHaveAttribute('aria-label', /\d+ accepted, 0 rejected/)
  await expect(page.getByTestId('latency')).toHaveText(/^\d+ ms/)
  await expect(page.getByTestId('model-cache')).toHaveText(/^[1-9]\d* items?, \d+\.\d MB/)
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('status')).toContainText('Stopped')
  const earned = await accepted(page)
  const credit = Number(await page.getByTestId('credit').textContent())

  // This page is the validator's only contributor: the whole pool of 2 TAO is its estimate.
  await expect(page.getByTestId('estimate')).toContainText(/about 2\.00 of the pool's 2 TAO \(100\.0%\)/, {
    timeout: 30_000,
  })

  await page.reload()
  await expect(page.getByTestId('accepted')).toHaveText(String(earned))
  expect(await page.getByTestId('credit').textContent()).toBe(String(credit))
  await page.getByText('Your receipts').click()
  await expect(page.getByTestId('receipts').locator('li')).toHaveCount(Math.min(earned, 20))
  await expect(page.getByTestId('receipts').locator('li').first()).toContainText('gemm shard')

  await page.getByTestId('start').click()
  await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(earned + 1)
  await page.getByTestId('stop').click()
})

test('the market line projects what this epoch will pay this browser, never more than the pool, and the settled epoch agrees', async ({
  page,
}) => {
  // Epochs of 40 s, settled as soon as they end (no claim window after them).
  const short = await startValidatorProcess(['--pool', '1', '--epoch-length', '40', '--claim-epochs', '0'])
  try {
    await page.goto(short.url)
    await page.getByTestId('start').click()
    const why = page.getByTestId('market-why')
    await expect(why).toHaveAttribute('data-projected-tao', /\d/, { timeout: 60_000 })
    // A figure read in the second half of an epoch, for that epoch.
    let seen: { epoch: number; tao: number; text: string } | undefined
    await expect
      .poll(
        async () => {
          const epoch = Number(await why.getAttribute('data-epoch'))
          const status = await (await page.request.get(new URL('api/status', short.url).href)).json()
          if (status.epoch !== epoch || status.epochEndsAt - Date.now() > 20_000) return false
          seen = {
            epoch,
            tao: Number(await why.getAttribute('data-projected-tao')),
            text: (await why.textContent()) ?? '',
          }
          return true
        },
        { timeout: 90_000, intervals: [1000] },
      )
      .toBe(true)
    expect(seen!.text).toMatch(/about \S+ TAO of its epoch \d+ pool of 1 TAO by the epoch's end/)
    expect(seen!.text).not.toMatch(/per hour/)
    expect(seen!.tao).toBeLessThanOrEqual(1)
    // The epoch settles once it is over: this page was its only contributor, so all of its credit,
    // and all of the pool once claimed, is this page's.
    const file = join(short.dataDir, 'payouts', `epoch-${seen!.epoch}.json`)
    await expect.poll(() => existsSync(file), { timeout: 90_000 }).toBe(true)
    await page.getByTestId('stop').click()
    const settled = JSON.parse(readFileSync(file, 'utf8'))
    const due = (Number(settled.poolRao) / 1e9) * (settled.unclaimedCredit / settled.totalCredit)
    expect(due).toBeCloseTo(1, 6)
    expect(Math.abs(seen!.tao - due) / due).toBeLessThan(0.1)
  } finally {
    await short.stop()
  }
})
