import { expect, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from './validator-process.ts'

let validator: ValidatorProcess

test.beforeAll(async () => {
  validator = await startValidatorProcess()
})
test.afterAll(async () => {
  await validator?.stop()
})

test('a visitor contributes GEMM shards from the page, and Stop ends GPU work', async ({ page }) => {
  // Count every adapter request so the test can prove nothing touched the GPU before Start.
  await page.addInitScript(() => {
    const w = window as unknown as { __adapterRequests: number }
    w.__adapterRequests = 0
    const gpu = navigator.gpu
    const original = gpu.requestAdapter.bind(gpu)
    gpu.requestAdapter = (options) => {
      w.__adapterRequests++
      return original(options)
    }
  })
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))

  await page.goto(validator.url)
  await expect(page.getByText('Nothing runs before you press')).toBeVisible()
  await expect(page.getByTestId('subnet')).toHaveText('Subnet 1')
  await expect(page.getByTestId('accepted')).toHaveText('0')
  await page.waitForTimeout(1000)
  expect(
    await page.evaluate(() => (window as unknown as { __adapterRequests: number }).__adapterRequests),
  ).toBe(0)

  await page.getByTestId('start').click()
  await expect(page.getByTestId('engine')).toContainText('WebGPU')
  await expect(page.getByTestId('stop')).toBeEnabled()
  await expect
    .poll(async () => Number(await page.getByTestId('accepted').textContent()), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(3)
  expect(Number(await page.getByTestId('credit').textContent())).toBeGreaterThan(0)
  expect(Number(await page.getByTestId('gflops').textContent())).toBeGreaterThan(0)
  expect(Number(await page.getByTestId('rejected').textContent())).toBe(0)

  await page.getByTestId('stop').click()
  await expect(page.getByTestId('status')).toContainText('Stopped')
  const acceptedAtStop = Number(await page.getByTestId('accepted').textContent())
  const creditAtStop = Number(await page.getByTestId('credit').textContent())

  // The validator's ledger agrees with the page.
  const status = await (await page.request.get(new URL('api/status', validator.url).toString())).json()
  expect(status.ledger.accepted).toBe(acceptedAtStop)
  expect(status.ledger.credit).toBeCloseTo(creditAtStop, 5)
  expect(status.ledger.rejected).toBe(0)

  await page.waitForTimeout(3000)
  expect(Number(await page.getByTestId('accepted').textContent())).toBe(acceptedAtStop)
  const after = await (await page.request.get(new URL('api/status', validator.url).toString())).json()
  expect(after.ledger.accepted).toBe(acceptedAtStop)
  expect(errors).toEqual([])
})
