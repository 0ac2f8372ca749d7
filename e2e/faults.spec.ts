/**
 * Faults a contributing page lives through: its GPU device lost mid-shard (it starts again on a new
 * device by itself), its tab closed mid-shard (the lease runs out and the shard goes to someone
 * else), and its validator unreachable for 30 s (it reconnects by itself and goes on).
 */
import '../src/validator/polyfills.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import Database from 'better-sqlite3'
import { freePort, startWsContributor } from '../src/testing/test-support.ts'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { computeWorker, computeWorkers } from './compute-worker.ts'

const accepted = async (page: Page) => Number(await page.getByTestId('accepted').textContent())

let validator: ValidatorProcess | undefined
test.afterEach(async () => {
  await validator?.stop()
  validator = undefined
})

test('a page whose GPU device is lost mid-shard starts again on a new device and goes on', async ({
  page,
}) => {
  validator = await startValidatorProcess()
  await page.goto(`${validator.url}?engine=webgpu`)
  await page.evaluate(() => {
    const w = window as unknown as { __statusLog: string[] }
    w.__statusLog = []
    const status = document
      .querySelector('tessera-contribute')!
      .shadowRoot!.querySelector('[data-testid="status"]')!
    new MutationObserver(() => w.__statusLog.push(status.textContent ?? '')).observe(status, {
      childList: true,
      characterData: true,
      subtree: true,
    })
  })
  await page.getByTestId('start').click()
  await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(2)
  const before = await accepted(page)
  // The device lives in the compute worker: note each device that records GPU work there, and take
  // them away as a driver reset would.
  const worker = await computeWorker(page)
  await worker.evaluate(() => {
    const w = self as unknown as { __devices: Set<GPUDevice> }
    w.__devices = new Set()
    const original = GPUDevice.prototype.createCommandEncoder
    GPUDevice.prototype.createCommandEncoder = function (descriptor) {
      w.__devices.add(this)
      return original.call(this, descriptor)
    }
  })
  await expect
    .poll(() => worker.evaluate(() => (self as unknown as { __devices: Set<GPUDevice> }).__devices.size))
    .toBeGreaterThan(0)
  await worker.evaluate(() => {
    for (const d of (self as unknown as { __devices: Set<GPUDevice> }).__devices) d.destroy()
  })
  // Every status line shown, not only the latest: progress lines from the new session (downloads,
  // accepted shards) replace the recovery notice quickly on a loaded machine.
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __statusLog: string[] }).__statusLog.join('\n')))
    .toMatch(/new device/)
  await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(before + 2)
  // The session started again in a new worker, on a new device; the old worker was ended (the
  // browser reports that a moment later).
  await expect.poll(() => computeWorkers(page).includes(worker)).toBe(false)
  expect(computeWorkers(page)).toHaveLength(1)
  await expect(page.getByTestId('stop')).toBeEnabled()
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('status')).toContainText('Stopped')
})

test('a tab closed mid-shard: its lease runs out and the shard is done by another contributor', async ({
  browser,
}) => {
  validator = await startValidatorProcess(['--lease-ttl', '3'])
  const page = await browser.newPage()
  await page.goto(validator.url)
  await page.getByTestId('start').click()
  await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(1)
  await page.close()
  const ledger = new Database(join(validator.dataDir, 'ledger.sqlite'), { readonly: true })
  try {
    const held = ledger
      .prepare('SELECT shard_id FROM open_shards WHERE lease_id IS NOT NULL')
      .pluck()
      .all() as string[]
    expect(held.length).toBeGreaterThan(0) // closed with shards leased
    const address = (await (await fetch(new URL('api/bootstrap', validator.url))).json())
      .multiaddrs[0] as string
    const other = await startWsContributor(address)
    try {
      const credited = ledger.prepare('SELECT contributor FROM receipts WHERE shard_id = ?').pluck()
      await expect
        .poll(() => held.every((id) => credited.get(id) === other.node.peerId.toString()), {
          timeout: 60_000,
        })
        .toBe(true)
    } finally {
      await other.stop()
    }
  } finally {
    ledger.close()
  }
})

test('a page whose validator is unreachable for 30 s reconnects by itself and goes on', async ({ page }) => {
  test.setTimeout(240_000)
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-outage-'))
  const options = { dataDir, listen: `/ip4/127.0.0.1/tcp/${await freePort()}/ws`, httpPort: await freePort() }
  validator = await startValidatorProcess([], options)
  try {
    await page.goto(validator.url)
    await page.getByTestId('start').click()
    await expect.poll(() => accepted(page)).toBeGreaterThanOrEqual(2)
    await validator.kill()
    // 30 s without a validator: the page says so (among its other news) while it redials.
    const said = new Set<string>()
    for (const end = Date.now() + 30_000; Date.now() < end; ) {
      said.add((await page.getByTestId('status').textContent()) ?? '')
      await page.waitForTimeout(250)
    }
    expect([...said].some((s) => s.includes('Cannot reach the validator'))).toBe(true)
    const before = await accepted(page)
    validator = await startValidatorProcess([], options)
    await expect.poll(() => accepted(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(before + 2)
    await page.getByTestId('stop').click()
  } finally {
    await validator?.stop()
    validator = undefined
    rmSync(dataDir, { recursive: true, force: true })
  }
})
