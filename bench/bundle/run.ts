/**
 * `npm run bench -- bundle [--seconds 40]`: what a visitor downloads. The built site and widget,
 * served by the validator (`--models subnet.example.json`, so both gemm and infer run), in Chromium:
 * the JavaScript a page fetches before Start (gzip, as served), and the bytes fetched over HTTP and
 * over libp2p (model and weight blobs) after Start, on a first and a second visit of one browser
 * profile; then the same first visit for the widget on a host page of another origin. Goal from
 * issue 12: initial JS ≤ 250 kB gzip before Start; a second visit downloads no wasm and no model.
 * Writes bench/results/bundle.json.
 */
import '../../src/validator/polyfills.ts'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type BrowserContext, chromium, type Page } from '@playwright/test'
import { CHROMIUM_PATH, WEBGPU_ARGS } from '../../e2e/chromium.ts'
import { startValidatorProcess } from '../../src/testing/validator-process.ts'

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: { seconds: { type: 'string', default: '40' } },
})
const root = join(import.meta.dirname, '..', '..')
execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })

interface Fetched {
  url: string
  type: string
  bytes: number
}

/** Every HTTP response of the page with its body size on the wire (compressed as served). */
function record(page: Page): Fetched[] {
  const fetched: Fetched[] = []
  page.on('requestfinished', async (req) => {
    const sizes = await req.sizes().catch(() => undefined)
    fetched.push({ url: req.url(), type: req.resourceType(), bytes: sizes?.responseBodySize ?? 0 })
  })
  return fetched
}

const sum = (xs: Fetched[]) => xs.reduce((s, f) => s + f.bytes, 0)
const js = (xs: Fetched[]) => xs.filter((f) => f.type === 'script' || /\.m?js(\?|$)/.test(f.url))
const wasm = (xs: Fetched[]) => xs.filter((f) => /\.wasm(\?|$)/.test(f.url))

const validator = await startValidatorProcess(['--models', 'subnet.example.json'])
const status = async () => (await fetch(new URL('api/status', validator.url))).json()
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS })

async function visit(context: BrowserContext, url: string) {
  const page = await context.newPage()
  const fetched = record(page)
  await page.goto(url, { waitUntil: 'networkidle' })
  const beforeStart = [...fetched]
  const blobsBefore = (await status()).blobBytesServed
  await page.getByTestId('start').click()
  const until = Date.now() + Number(values.seconds) * 1000
  while (Date.now() < until) await page.waitForTimeout(1000)
  const accepted = Number(await page.getByTestId('accepted').textContent())
  await page.getByTestId('stop').click()
  await page.waitForTimeout(500)
  const afterStart = fetched.slice(beforeStart.length)
  await page.close()
  return {
    initialJsGzipBytes: sum(js(beforeStart)),
    beforeStartBytes: sum(beforeStart),
    afterStartHttpBytes: sum(afterStart),
    afterStartWasmBytes: sum(wasm(afterStart)),
    afterStartWasmRequests: wasm(afterStart).length,
    afterStartBlobBytes: (await status()).blobBytesServed - blobsBefore,
    acceptedShards: accepted,
  }
}

const results: Record<string, unknown> = {}
try {
  const site = await browser.newContext()
  results.siteFirstVisit = await visit(site, validator.url)
  results.siteSecondVisit = await visit(site, validator.url)
  await site.close()

  const html = readFileSync(join(root, 'examples', 'host-page.html'), 'utf8').replaceAll(
    'https://validator.example/',
    validator.url,
  )
  const host = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html))
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
  const widget = await browser.newContext()
  results.widgetFirstVisit = await visit(widget, `http://localhost:${(host.address() as AddressInfo).port}/`)
  await widget.close()
  host.close()
} finally {
  await browser.close()
  await validator.stop()
}

const out = { date: new Date().toISOString(), seconds: Number(values.seconds), ...results }
mkdirSync(join(root, 'bench', 'results'), { recursive: true })
writeFileSync(join(root, 'bench', 'results', 'bundle.json'), `${JSON.stringify(out, null, 2)}\n`)
console.table(results)
