import { chromium, expect, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.ts'
import { computeWorkers } from './compute-worker.ts'
import { expectSameCredit } from './credit.ts'

let validator: ValidatorProcess

test.beforeAll(async () => {
  validator = await startValidatorProcess()
})
test.afterAll(async () => {
  await validator?.stop()
})

for (const { engine, query, shows } of [
  { engine: 'the automatic choice (wasm on a software adapter)', query: '', shows: 'ONNX Runtime wasm' },
  { engine: 'the forced WebGPU engine', query: '?engine=webgpu', shows: 'WebGPU' },
]) {
  test(`a visitor contributes GEMM shards with ${engine}, and Stop ends the work`, async ({ page }) => {
    // Count every adapter request and wasm compile of the page itself, so the test can prove nothing
    // touched the GPU before Start, and that after Start the compute runs in the worker, not here.
    await page.addInitScript(() => {
      const w = window as unknown as { __adapterRequests: number; __wasmCompiles: number }
      w.__adapterRequests = 0
      w.__wasmCompiles = 0
      const gpu = navigator.gpu
      const original = gpu.requestAdapter.bind(gpu)
      gpu.requestAdapter = (options) => {
        w.__adapterRequests++
        return original(options)
      }
      const wasm = WebAssembly as unknown as Record<string, (...args: unknown[]) => unknown>
      for (const name of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming']) {
        const fn = wasm[name].bind(WebAssembly)
        wasm[name] = (...args: unknown[]) => {
          w.__wasmCompiles++
          return fn(...args)
        }
      }
    })
    const mainThread = () =>
      page.evaluate(() => {
        const w = window as unknown as { __adapterRequests: number; __wasmCompiles: number }
        return { adapterRequests: w.__adapterRequests, wasmCompiles: w.__wasmCompiles }
      })
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    // Bulk bytes (weights panels, row blocks) come over HTTP from the validator's server.
    let blobRequests = 0
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/blobs/')) blobRequests++
    })

    await page.goto(validator.url + query)
    await expect(page.getByText('Nothing runs before you press')).toBeVisible()
    await expect(page.getByTestId('subnet')).toHaveText('Subnet 1')
    await expect(page.getByTestId('accepted')).toHaveText('0')
    await page.waitForTimeout(1000)
    expect(await mainThread()).toEqual({ adapterRequests: 0, wasmCompiles: 0 })
    expect(page.workers()).toHaveLength(0)

    const before = await (await page.request.get(new URL('api/status', validator.url).toString())).json()
    const acceptedBefore = before.ledger.accepted
    const creditBefore = before.ledger.credit
    await page.getByTestId('start').click()
    await expect(page.getByTestId('engine')).toContainText(shows)
    await expect(page.getByTestId('stop')).toBeEnabled()
    await expect
      .poll(async () => Number(await page.getByTestId('accepted').textContent()), { timeout: 120_000 })
      .toBeGreaterThanOrEqual(3)
    expect(Number(await page.getByTestId('credit').textContent())).toBeGreaterThan(0)
    expect(Number(await page.getByTestId('gflops').textContent())).toBeGreaterThan(0)
    // The delivered rate is verified work over wall time: never above what the device computes. (An
    // untuned WebGPU engine's first shards are the smallest, their rate shows as 0.00 for a while.)
    await expect
      .poll(async () => Number(await page.getByTestId('delivered').textContent()), { timeout: 120_000 })
      .toBeGreaterThan(0)
    expect(Number(await page.getByTestId('rejected').textContent())).toBe(0)
    expect(blobRequests).toBeGreaterThan(0)
    // The link the shards measured is shown: at least the downlink, from the first shard's inputs.
    await expect(page.getByTestId('link')).toHaveText(/^\d+\.\d \//)
    // WebGPU's GEMM is tuned in the worker between shards; the page keeps the choice for the next
    // session once every variant was timed.
    if (query.includes('webgpu')) {
      const tuned = () =>
        page.evaluate(() =>
          Object.keys(localStorage).filter((key) => key.startsWith('tessera.gemm-variant.')),
        )
      await expect.poll(async () => (await tuned()).length, { timeout: 120_000 }).toBe(1)
    }
    // The shards ran in the compute worker, which Stop ends: the page asked for no GPU and compiled
    // no wasm (ONNX Runtime, the GEMM kernels) itself, so shards never held up its rendering.
    expect(computeWorkers(page)).toHaveLength(1)
    expect(await mainThread()).toEqual({ adapterRequests: 0, wasmCompiles: 0 })

    await page.getByTestId('stop').click()
    await expect(page.getByTestId('status')).toContainText('Stopped')
    await expect.poll(() => computeWorkers(page).length).toBe(0)
    const acceptedAtStop = Number(await page.getByTestId('accepted').textContent())
    const creditAtStop = Number(await page.getByTestId('credit').textContent())

    // The validator's ledger agrees with the page (this page's browser identity is its only contributor).
    const contributor = await page.evaluate(() => localStorage.getItem('tessera.peerKey'))
    expect(contributor).not.toBeNull()
    const status = await (await page.request.get(new URL('api/status', validator.url).toString())).json()
    expect(status.ledger.accepted - acceptedBefore).toBe(acceptedAtStop)
    expectSameCredit(creditAtStop, status.ledger.credit - creditBefore)
    expect(status.ledger.rejected).toBe(0)

    await page.waitForTimeout(3000)
    expect(Number(await page.getByTestId('accepted').textContent())).toBe(acceptedAtStop)
    const after = await (await page.request.get(new URL('api/status', validator.url).toString())).json()
    expect(after.ledger.accepted - acceptedBefore).toBe(acceptedAtStop)
    expect(errors).toEqual([])
  })
}

test('a browser without the WebGPU API can still press Start and contributes on the CPU engine', async ({
  page,
}) => {
  await page.addInitScript(() => {
    // As in a browser that has no WebGPU at all: the property is absent, not just empty.
    delete (Navigator.prototype as unknown as { gpu?: unknown }).gpu
  })
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(validator.url)
  expect(await page.evaluate(() => 'gpu' in navigator)).toBe(false)
  await expect(page.getByTestId('support')).toContainText('runs the work on your CPU')
  await expect(page.getByTestId('start')).toBeEnabled()
  await page.getByTestId('start').click()
  await expect(page.getByTestId('engine')).toContainText('ONNX Runtime wasm')
  await expect
    .poll(async () => Number(await page.getByTestId('accepted').textContent()), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(2)
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('status')).toContainText('Stopped')
  expect(errors).toEqual([])
})

test('a browser with WebGPU but no adapter is told so and contributes on the CPU engine', async () => {
  // Chromium here without its software adapter: the API is there, the adapter is not (as with a
  // blocklisted or disabled GPU), in the page and in its workers alike.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: WEBGPU_ARGS.filter((arg) => !arg.includes('webgpu')),
  })
  try {
    const page = await browser.newPage()
    await page.goto(validator.url)
    expect(await page.evaluate(async () => (await navigator.gpu.requestAdapter()) == null)).toBe(true)
    await page.getByTestId('start').click()
    await expect(page.getByTestId('support')).toContainText('no GPU adapter is available')
    await expect(page.getByTestId('support')).toContainText('CPU (wasm) engine')
    await expect(page.getByTestId('status')).toContainText(/Running on ONNX Runtime wasm|accepted/)
    await expect
      .poll(async () => Number(await page.getByTestId('accepted').textContent()), { timeout: 120_000 })
      .toBeGreaterThanOrEqual(2)
    await page.getByTestId('stop').click()
  } finally {
    await browser.close()
  }
})

test('at 360 px wide nothing in the widget overflows sideways, before Start or while running', async ({
  page,
}) => {
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto(validator.url)
  await expect(page.getByTestId('start')).toBeVisible()
  const overflowing = () =>
    page.evaluate(() => {
      const out: string[] = []
      if (document.documentElement.scrollWidth > window.innerWidth)
        out.push(`page ${document.documentElement.scrollWidth}px`)
      for (const host of document.querySelectorAll('tessera-contribute, tessera-training')) {
        for (const el of host.shadowRoot?.querySelectorAll<HTMLElement>('*') ?? []) {
          const r = el.getBoundingClientRect()
          if (r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5))
            out.push(
              `${el.tagName.toLowerCase()}.${el.className || el.dataset.testid || ''} ${Math.round(r.left)}–${Math.round(r.right)}`,
            )
        }
      }
      return out
    })
  expect(await overflowing()).toEqual([])
  // Running: the charts and the network panel are shown too.
  await page.getByTestId('start').click()
  await expect
    .poll(async () => Number(await page.getByTestId('chart-rate').getAttribute('data-samples')))
    .toBeGreaterThanOrEqual(2)
  expect(await overflowing()).toEqual([])
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('status')).toContainText('Stopped')
})
