/**
 * `npm run bench -- <name> [--sizes 256,512,1024] [--runs 7]`: builds bench/<name>/ with the site's
 * Vite config, serves it with the validator's HTTP server (COOP/COEP, pre-compressed hashed assets: exactly how the
 * site is served), opens it in Chromium with WebGPU, and writes the results to
 * bench/results/<name>.json with a table on stdout.
 */
import '../src/validator/polyfills.ts'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import { build } from 'vite'
import { CHROMIUM_PATH, WEBGPU_ARGS } from '../e2e/chromium.ts'
import { startHttpServer } from '../src/validator/http-server.ts'

if (['aggregate', 'bundle', 'e2e', 'fuzz', 'job', 'scale', 'sybil', 'train-run'].includes(process.argv[2])) {
  // These drive the real validator (and site) rather than a page of their own.
  await import(`./${process.argv[2]}/run.ts`)
  process.exit(0)
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    sizes: { type: 'string' },
    runs: { type: 'string' },
    impls: { type: 'string' },
    threads: { type: 'string' },
    'timeout-s': { type: 'string', default: '900' },
    headed: { type: 'boolean', default: false },
    'gpu-args': { type: 'string', default: '' },
  },
})
const name = positionals[0] ?? 'gemm'
const root = join(import.meta.dirname, '..')

const outDir = mkdtempSync(join(tmpdir(), `tessera-bench-${name}-`))
await build({
  root,
  configFile: join(root, 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true, rollupOptions: { input: join(root, 'bench', name, 'index.html') } },
})
const server = await startHttpServer({ host: '127.0.0.1', port: 0, siteDir: outDir, api: {} })
const url = new URL(`bench/${name}/index.html`, server.url)
for (const [key, value] of Object.entries({
  sizes: values.sizes,
  runs: values.runs,
  impls: values.impls,
  threads: values.threads,
})) {
  if (value) url.searchParams.set(key, value)
}

// On a machine with a real GPU pass e.g. --gpu-args="--use-angle=vulkan --enable-features=Vulkan" and
// drop the SwiftShader adapter flag via CHROMIUM_WEBGPU_ADAPTER=default (see docs/BENCHMARKS.md).
const args = WEBGPU_ARGS.filter(
  (a) => process.env.CHROMIUM_WEBGPU_ADAPTER !== 'default' || !a.startsWith('--use-webgpu-adapter'),
)
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: !values.headed,
  args: [...args, ...(values['gpu-args'] ? values['gpu-args'].split(' ') : [])],
})
try {
  const page = await browser.newPage()
  page.on('console', (msg) => console.log(`  ${msg.text()}`))
  page.on('response', (res) => {
    if (res.status() >= 400) console.log(`  ${res.status()} ${res.url()}`)
  })
  const started = Date.now()
  await page.goto(url.toString())
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __bench?: unknown; __benchError?: string }
      return w.__bench != null || w.__benchError != null
    },
    undefined,
    { timeout: Number(values['timeout-s']) * 1000, polling: 500 },
  )
  const outcome = await page.evaluate(() => {
    const w = window as unknown as {
      __bench?: { rows: Array<Record<string, unknown>> }
      __benchError?: string
    }
    return { result: w.__bench, error: w.__benchError }
  })
  if (outcome.error) throw new Error(outcome.error)
  const result = outcome.result!
  const browserVersion = browser.version()
  const out = {
    benchmark: name,
    date: new Date().toISOString(),
    browser: `Chromium ${browserVersion}`,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    ...result,
  }
  mkdirSync(join(root, 'bench', 'results'), { recursive: true })
  const file = join(root, 'bench', 'results', `${name}.json`)
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
  if (name === 'gemm') printTable(result.rows as unknown as Row[])
  else console.table(result.rows)
  console.log(`\nwrote ${file}`)
} finally {
  await browser.close()
  await server.close()
  rmSync(outDir, { recursive: true, force: true })
}

interface Row {
  impl: string
  n: number
  gflops: number
}

function printTable(rows: Row[]): void {
  const sizes = [...new Set(rows.map((r) => r.n))]
  const impls = [...new Set(rows.map((r) => r.impl))]
  const at = (impl: string, n: number) => rows.find((r) => r.impl === impl && r.n === n)?.gflops
  console.log(`\nGFLOP/s ${' '.repeat(8)}${sizes.map((n) => `n=${n}`.padStart(10)).join('')}`)
  for (const impl of impls) {
    console.log(
      `${impl.padEnd(16)}${sizes.map((n) => (at(impl, n)?.toFixed(2) ?? '-').padStart(10)).join('')}`,
    )
  }
  if (!impls.includes('tessera')) return
  console.log('\nTessera / other')
  for (const impl of impls.filter((i) => i !== 'tessera')) {
    const ratios = sizes.map((n) => {
      const [t, o] = [at('tessera', n), at(impl, n)]
      return t != null && o != null ? `${(t / o).toFixed(2)}x` : '-'
    })
    console.log(`vs ${impl.padEnd(13)}${ratios.map((r) => r.padStart(10)).join('')}`)
  }
}
