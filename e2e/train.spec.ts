/**
 * Training in real browsers: the validator `npm start` runs, with a subnet config that offers only a
 * small training run; two Chromium pages (separate profiles, so two contributors) press Start, one
 * on the automatic engine (wasm here, so the model runs on the CPU reference) and one forced onto
 * WebGPU (the WGSL model on SwiftShader). Both earn receipts, the held-out loss falls from ln 256 ≈
 * 5.55 to below 3.5 nats per byte within 30 steps, and the page shows the run's version, its loss
 * curve and text sampled from it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from './validator-process.ts'

const STEPS = 30
const RUN = {
  layers: 2,
  width: 32,
  heads: 2,
  context: 32,
  sequences: 8,
  microBatch: 8,
  shardsPerStep: 2,
  lr: 1e-2,
  evalEvery: 5,
  evalSequences: 32,
  maxSteps: STEPS,
}

let validator: ValidatorProcess
let dir: string
test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-train-e2e-'))
  const subnet = join(dir, 'subnet.json')
  writeFileSync(subnet, JSON.stringify({ kinds: { gemm: false, train: RUN } }))
  validator = await startValidatorProcess(['--subnet', subnet])
})
test.afterAll(async () => {
  await validator?.stop()
  rmSync(dir, { recursive: true, force: true })
})

interface Train {
  step: number
  weights: string
  history: string
}
const train = async (): Promise<Train> => (await (await fetch(new URL('api/status', validator.url))).json()).sources.train
const last = (t: Train) => (JSON.parse(t.history) as Array<{ step: number; heldOutLoss: number }>).at(-1)!

test('two pages train the model together and its held-out loss falls; the page shows the run', async ({ browser }) => {
  const start = await train()
  expect(start.step).toBe(0)
  const pages = []
  for (const query of ['', '?engine=webgpu']) {
    const page = await (await browser.newContext()).newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(validator.url + query)
    await expect(page.getByTestId('train-step')).toHaveText('0')
    await page.getByTestId('start').click()
    pages.push({ page, errors })
  }
  await expect.poll(async () => last(await train()).step, { timeout: 170_000, intervals: [1000] }).toBe(STEPS)
  const done = await train()
  const curve = JSON.parse(done.history) as Array<{ step: number; heldOutLoss: number }>
  expect(Math.abs(curve[0].heldOutLoss - Math.log(256))).toBeLessThan(0.1)
  expect(curve.at(-1)!.heldOutLoss).toBeLessThan(3.5)

  for (const { page, errors } of pages) {
    expect(Number(await page.getByTestId('accepted').textContent())).toBeGreaterThan(0)
    await expect(page.getByTestId('train-step')).toHaveText(String(STEPS))
    await expect(page.getByTestId('train-version')).toHaveText(done.weights.slice(0, 12))
    expect((await page.getByTestId('train-chart').locator('polyline').getAttribute('points'))!.split(' ').length).toBe(
      curve.length,
    )
    expect(errors).toEqual([])
  }
  const { page } = pages[0]
  await page.getByTestId('stop').click()
  await page.getByTestId('train-sample').click()
  await expect(page.getByTestId('train-text')).not.toHaveText(/^(Fetching|Sampling|Could not)/, { timeout: 30_000 })
  expect(((await page.getByTestId('train-text').textContent()) ?? '').length).toBeGreaterThan(50)
})
