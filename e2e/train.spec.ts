/**
 * Training in real browsers: the validator `npm start` runs, with a subnet config that offers only a
 * small training run; two Chromium pages (separate profiles, so two contributors) press Start, one
 * on the automatic engine (wasm here, so the model runs on the CPU reference) and one forced onto
 * WebGPU (the WGSL model on SwiftShader). Both earn receipts, the held-out loss falls from ln 256 ≈
 * 5.55 to below 3.5 nats per byte within 40 steps (30 is the Node test's; two pages of unequal speed
 * hand in staler gradients, and a run of 30 once ended at 3.504), and the page shows the run's version, its loss
 * curve and text sampled from it. Then one page fine-tunes the shipped base model with LoRA adapters
 * on text it never saw, and the held-out loss of that text falls.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { FINE_TUNE_GAIN, FINE_TUNE_TRAIN, SMALL_TRAIN } from '../src/testing/test-support.ts'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'

const STEPS = 40
const RUN = { ...SMALL_TRAIN, maxSteps: STEPS }

let validator: ValidatorProcess
let dir: string
async function startWith(train: Record<string, unknown>) {
  dir = mkdtempSync(join(tmpdir(), 'tessera-train-e2e-'))
  const subnet = join(dir, 'subnet.json')
  writeFileSync(subnet, JSON.stringify({ kinds: { gemm: false, train } }))
  validator = await startValidatorProcess(['--subnet', subnet])
}
test.afterEach(async () => {
  await validator?.stop()
  rmSync(dir, { recursive: true, force: true })
})

interface Train {
  step: number
  weights: string
  history: Array<{ step: number; heldOutLoss: number }>
}
const train = async (): Promise<Train> =>
  (await (await fetch(new URL('api/status', validator.url))).json()).sources.train
/** The last held-out measurement (step −1 before the first). */
const last = (t: Train) =>
  (t.history as Array<{ step: number; heldOutLoss: number }>).at(-1) ?? {
    step: -1,
    heldOutLoss: Number.NaN,
  }

test('two pages train the model together and its held-out loss falls; the page shows the run', async ({
  browser,
}) => {
  await startWith(RUN)
  const start = await train()
  expect(start.step).toBe(0)
  const pages: Array<{ page: Page; errors: string[] }> = []
  // WebGPU first: on SwiftShader a shard takes it about a second (the wasm page: under 0.1 s), and
  // the wasm page alone would finish the run before WebGPU had compiled its kernels.
  for (const query of ['?engine=webgpu', '']) {
    const page = await (await browser.newContext()).newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(validator.url + query)
    await expect(page.getByTestId('train-version')).toHaveText((await train()).weights.slice(0, 12))
    await page.getByTestId('start').click()
    pages.push({ page, errors })
    // The second page joins once the first has moved the model.
    await expect.poll(async () => (await train()).step, { intervals: [500] }).toBeGreaterThanOrEqual(2)
  }
  await expect.poll(async () => last(await train()).step, { timeout: 170_000, intervals: [1000] }).toBe(STEPS)
  const done = await train()
  const curve = done.history as Array<{ step: number; heldOutLoss: number }>
  expect(Math.abs(curve[0].heldOutLoss - Math.log(256))).toBeLessThan(0.1)
  expect(curve.at(-1)!.heldOutLoss).toBeLessThan(3.5)

  for (const { page, errors } of pages) {
    // A shard still in flight when the run ends is credited too (the WebGPU page starts slowest).
    await expect
      .poll(async () => Number(await page.getByTestId('accepted').textContent()), { timeout: 60_000 })
      .toBeGreaterThan(0)
    await expect(page.getByTestId('train-step')).toHaveText(String(STEPS))
    await expect(page.getByTestId('train-version')).toHaveText(done.weights.slice(0, 12))
    // The panel polls: it shows the whole held-out curve once it has caught up with the validator's
    // (a held-out evaluation queued at the last step may land after the step itself).
    const points = async () =>
      (await page.getByTestId('train-chart').locator('polyline').getAttribute('points'))!.split(' ').length
    await expect
      .poll(async () => (await points()) - (await train()).history.length, { timeout: 30_000 })
      .toBe(0)
    expect(await points()).toBeGreaterThanOrEqual(curve.length)
    expect(errors).toEqual([])
  }
  const { page } = pages[0]
  await page.getByTestId('stop').click()
  await page.getByTestId('train-sample').click()
  await expect(page.getByTestId('train-text')).not.toHaveText(/^(Fetching|Sampling|Could not)/, {
    timeout: 30_000,
  })
  expect(((await page.getByTestId('train-text').textContent()) ?? '').length).toBeGreaterThan(50)
})

test('a page fine-tunes the shipped base model with LoRA on text it never saw, and its held-out loss falls', async ({
  page,
}) => {
  // Tiny Shakespeare's held-out tail: models/train-base.safetensors (scripts/pretrain-base.ts) never saw it.
  const text = readFileSync('corpora/tinyshakespeare.txt')
  const tailDir = mkdtempSync(join(tmpdir(), 'tessera-tail-'))
  const tail = join(tailDir, 'tail.txt')
  writeFileSync(tail, text.subarray(Math.floor(text.length * 0.9)))
  try {
    // The subnet file lives in a temporary directory: paths in it are absolute.
    await startWith({ ...FINE_TUNE_TRAIN, init: resolve(FINE_TUNE_TRAIN.init), corpus: tail })
    await page.goto(validator.url)
    await page.getByTestId('start').click()
    await expect
      .poll(async () => last(await train()).step, { timeout: 170_000, intervals: [1000] })
      .toBe(FINE_TUNE_TRAIN.maxSteps)
    const curve = (await train()).history as Array<{ heldOutLoss: number }>
    expect(curve[0].heldOutLoss - curve.at(-1)!.heldOutLoss).toBeGreaterThan(FINE_TUNE_GAIN)
    expect(Number(await page.getByTestId('accepted').textContent())).toBeGreaterThan(0)
  } finally {
    rmSync(tailDir, { recursive: true, force: true })
  }
})
