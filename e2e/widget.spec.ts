/**
 * The widget embedded on another site, as docs/EMBEDDING.md shows it (examples/host-page.html): the
 * host page is served from another origin without cross-origin isolation, loads widget.js from the
 * validator, and after Start earns accepted shards of every kind the validator offers; nothing is
 * fetched from the host's origin but the page itself, and the host hears the widget's events.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { checkState } from './accessibility.ts'

const HOST_PAGE = join(import.meta.dirname, '..', 'examples', 'host-page.html')

let validator: ValidatorProcess | undefined
let host: Server | undefined
test.afterEach(async () => {
  await new Promise((resolve) => (host ? host.close(resolve) : resolve(undefined)))
  host = undefined
  await validator?.stop()
  validator = undefined
})

test('embedded on another origin, the widget loads everything from the validator and earns shards of every kind offered', async ({
  page,
}) => {
  const html = readFileSync(HOST_PAGE, 'utf8')
  // The page the docs show is the page tested.
  expect(readFileSync(join(import.meta.dirname, '..', 'docs', 'EMBEDDING.md'), 'utf8')).toContain(html.trim())
  validator = await startValidatorProcess(['--models', 'subnet.example.json'])
  const hostHtml = html.replaceAll('https://validator.example/', validator.url)
  // Another origin (localhost, not 127.0.0.1, and another port), and no COOP/COEP: not isolated.
  host = createServer((req, res) => {
    if (req.url !== '/') return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostHtml)
  })
  await new Promise<void>((resolve) => host!.listen(0, '127.0.0.1', resolve))
  const hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`
  const fromHost: string[] = []
  page.on('request', (req) => {
    if (req.url().startsWith(hostUrl)) fromHost.push(req.url())
  })
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))

  await page.goto(hostUrl)
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false)
  await expect(page.getByTestId('subnet')).toHaveText('Subnet 1')
  await checkState(page, 'embedded')
  await page.getByTestId('start').click()
  await expect(page.locator('#tessera-log [data-event="started"]')).toHaveCount(1)

  const { kinds } = await (await fetch(new URL('api/status', validator.url))).json()
  expect(kinds).toEqual(expect.arrayContaining(['gemm', 'infer']))
  for (const kind of kinds as string[]) {
    await expect
      .poll(() => page.locator(`#tessera-log [data-kind="${kind}"]`).count(), { timeout: 150_000 })
      .toBeGreaterThanOrEqual(2)
  }
  expect(Number(await page.getByTestId('accepted').textContent())).toBeGreaterThanOrEqual(2 * kinds.length)
  expect(Number(await page.getByTestId('rejected').textContent())).toBe(0)

  await page.getByTestId('stop').click()
  await expect(page.locator('#tessera-log [data-event="stopped"]')).toHaveCount(1)
  expect(fromHost).toEqual([hostUrl])
  expect(errors).toEqual([])
})
