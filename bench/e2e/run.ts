/**
 * `npm run bench -- e2e [--seconds 20] [--warmup 15] [--engines auto,webgpu] [--pages 1,4]
 * [--link loopback|home] [--blobs http|libp2p]`:
 * the real site and validator (the CLI `npm start` runs, default 4096-wide layer) on loopback, with
 * one and then several Chromium contributors per engine. Per run: delivered GFLOP/s (verified FLOPs
 * the ledger credits per second at steady state) against the pages' own kernel GFLOP/s at the shard
 * sizes they were granted, validator CPU seconds per verified GFLOP, verification FLOPs per work
 * FLOP, bytes on the wire per GFLOP, page load to first accepted shard, and lease latency at the
 * validator. Then how many verified GFLOP/s one validator core sustains (decode + Freivalds of
 * precomputed correct results of the largest default tile). Per kind: FLOPs per byte down (grants
 * and blobs) and up (results), for the first shards and at steady state, from the validator's
 * /api/status. `--link home` puts a shaping proxy (bench/e2e/link.ts: 10 Mbit/s up, 50 down, 40 ms
 * each way) between the pages and the validator's HTTP and libp2p ports and reports delivered ÷
 * min(kernel, link bound); `--blobs libp2p` has offers name no HTTP URL, so blobs come over libp2p.
 * Writes bench/results/e2e[-<link>][-<blobs>].json.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import '../../src/validator/polyfills.ts'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type Page } from '@playwright/test'
import * as ort from 'onnxruntime-node'
import { CHROMIUM_PATH, WEBGPU_ARGS } from '../../e2e/chromium.ts'
import { matmulModel } from '../../src/gpu/ort/onnx-model.ts'
import { freePort } from '../../src/testing/test-support.ts'
import { startValidatorProcess } from '../../src/testing/validator-process.ts'
import type { KindIntensity } from '../../src/validator/api.ts'
import { createBlobStore } from '../../src/validator/blob-store.ts'
import { createWorkerPool } from '../../src/validator/worker-pool.ts'
import { assembleColumns, assembleRows } from '../../src/work/gemm/contributor.ts'
import { gemmValidator } from '../../src/work/gemm/validator.ts'
import { createShapedLink, HOME_LINK } from './link.ts'

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '15' },
    engines: { type: 'string', default: 'auto,webgpu' },
    pages: { type: 'string', default: '1,4' },
    link: { type: 'string', default: 'loopback' },
    blobs: { type: 'string', default: 'http' },
  },
})
if (!['loopback', 'home'].includes(values.link)) throw new Error('--link is loopback or home')
if (!['http', 'libp2p'].includes(values.blobs)) throw new Error('--blobs is http or libp2p')
const shape = values.link === 'home' ? HOME_LINK : undefined
const root = join(import.meta.dirname, '..', '..')
const windowS = Number(values.seconds)
const warmupS = Number(values.warmup)

execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })

const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

interface Status {
  ledger: { flops: number; accepted: number }
  intensity: Record<string, KindIntensity>
  blobBytesServed: number
  wire: { grantBytes: number; resultBytes: number; leaseMsP50: number; leaseMsP99: number }
  sources: { gemm?: { verifiedFlops: number; verifyFlops: number } }
}

/** FLOPs per byte each way between two status snapshots, per kind. */
function intensityBetween(s0: Partial<Status>, s1: Status) {
  return Object.fromEntries(
    Object.entries(s1.intensity).map(([kind, i]) => {
      const o = s0.intensity?.[kind] ?? { verifiedFlops: 0, grantBytes: 0, blobBytes: 0, resultBytes: 0 }
      const flops = i.verifiedFlops - o.verifiedFlops
      const down = i.grantBytes + i.blobBytes - o.grantBytes - o.blobBytes
      const up = i.resultBytes - o.resultBytes
      return [
        kind,
        {
          gflop: +(flops / 1e9).toFixed(3),
          flopsPerByteDown: down > 0 ? Math.round(flops / down) : null,
          flopsPerByteUp: up > 0 ? Math.round(flops / up) : null,
          mbDownPerGflop: flops > 0 ? +(down / flops / 1e-3).toFixed(3) : null,
        },
      ]
    }),
  )
}

/** The validator as `npm start` runs it; behind the shaped link when there is one (pages use `pageUrl`). */
async function startBehindLink() {
  const [wsPort, httpPort] = [await freePort(), await freePort()]
  const link = shape != null ? createShapedLink(shape) : undefined
  const [wsProxy, httpProxy] = link != null ? [await freePort(), await freePort()] : [wsPort, httpPort]
  const pageUrl = `http://127.0.0.1:${httpProxy}/`
  const validator = await startValidatorProcess(
    [
      ...(link != null ? ['--announce', `/ip4/127.0.0.1/tcp/${wsProxy}/ws`, '--public-url', pageUrl] : []),
      ...(values.blobs === 'libp2p' ? ['--no-http-blobs'] : []),
    ],
    { listen: `/ip4/127.0.0.1/tcp/${wsPort}/ws`, httpPort },
  )
  if (link != null) {
    await link.forward(wsPort, wsProxy)
    await link.forward(httpPort, httpProxy)
  }
  return { validator, link, pageUrl }
}

async function run(engine: string, pages: number) {
  const { validator, link, pageUrl } = await startBehindLink()
  const status = async (): Promise<Status> => (await fetch(new URL('api/status', validator.url))).json()
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS })
  try {
    const tabs: Page[] = []
    const firstShardMs: number[] = []
    await Promise.all(
      Array.from({ length: pages }, async () => {
        const page = await (await browser.newContext()).newPage()
        tabs.push(page)
        const t0 = Date.now()
        await page.goto(`${pageUrl}${engine === 'auto' ? '' : `?engine=${engine}`}`)
        await page.getByTestId('start').click()
        await page.waitForFunction(
          () =>
            Number(
              document
                .querySelector('tessera-contribute')
                ?.shadowRoot?.querySelector('[data-testid="accepted"]')?.textContent,
            ) >= 1,
          undefined,
          { timeout: 300_000, polling: 100 },
        )
        firstShardMs.push(Date.now() - t0)
      }),
    )
    const first = await status()
    await new Promise((r) => setTimeout(r, warmupS * 1000))
    const [s0, c0, t0] = [await status(), cpuSeconds(validator.pid), Date.now()]
    await new Promise((r) => setTimeout(r, windowS * 1000))
    const [s1, c1, t1] = [await status(), cpuSeconds(validator.pid), Date.now()]
    const kernel = await Promise.all(
      tabs.map(async (p) => Number(await p.getByTestId('gflops').textContent())),
    )
    const measuredLink = await Promise.all(tabs.map(async (p) => await p.getByTestId('link').textContent()))
    const gflop = (s1.ledger.flops - s0.ledger.flops) / 1e9
    const seconds = (t1 - t0) / 1000
    const delivered = gflop / seconds
    const kernelSum = kernel.reduce((a, b) => a + b, 0)
    const wire = s1.wire.grantBytes - s0.wire.grantBytes + s1.wire.resultBytes - s0.wire.resultBytes
    const blobs = s1.blobBytesServed - s0.blobBytesServed
    const g0 = s0.sources.gemm ?? { verifiedFlops: 0, verifyFlops: 0 }
    const g1 = s1.sources.gemm ?? g0
    const steady = intensityBetween(s0, s1)
    // What the link lets through of the kind the pages ran, at its steady-state intensity.
    const gemm = steady.gemm
    const linkBound =
      shape == null || gemm?.flopsPerByteUp == null || gemm.flopsPerByteDown == null
        ? undefined
        : Math.min(
            shape.upBytesPerSecond * gemm.flopsPerByteUp,
            shape.downBytesPerSecond * gemm.flopsPerByteDown,
          ) / 1e9
    const bound = linkBound == null ? kernelSum : Math.min(kernelSum, linkBound)
    const row = {
      engine,
      pages,
      link: values.link,
      blobs: values.blobs,
      shards: s1.ledger.accepted - s0.ledger.accepted,
      deliveredGflops: +delivered.toFixed(3),
      kernelGflops: +kernelSum.toFixed(3),
      deliveredOverKernel: +(delivered / kernelSum).toFixed(3),
      ...(linkBound != null
        ? { linkBoundGflops: +linkBound.toFixed(3), deliveredOverBound: +(delivered / bound).toFixed(3) }
        : {}),
      validatorCpuSecondsPerGflop: +((c1 - c0) / gflop).toFixed(5),
      verifyFlopsPerWorkFlop: +(
        (g1.verifyFlops - g0.verifyFlops) /
        Math.max(1, g1.verifiedFlops - g0.verifiedFlops)
      ).toFixed(4),
      wireBytesPerGflop: Math.round((wire + blobs) / gflop),
      firstShardMsMedian: median(firstShardMs),
      firstShards: intensityBetween({}, first),
      steady,
      pageLinkMBps: measuredLink,
      leaseMsP50: +s1.wire.leaseMsP50.toFixed(2),
      leaseMsP99: +s1.wire.leaseMsP99.toFixed(2),
    }
    console.log(row)
    return row
  } finally {
    await browser.close()
    await validator.stop()
    await link?.close()
  }
}

/** Verified GFLOP/s one validator core sustains on the largest default tile with correct results. */
async function validatorCore(rows = 256) {
  const blobs = createBlobStore()
  const source = (await gemmValidator.createSource({
    config: { maxTile: `${rows}x4096` },
    configDir: root,
    shippedDir: root,
    stateDir: mkdtempSync(join(tmpdir(), 'tessera-kind-')),
    seed: 1,
    cursor: async () => undefined,
    blobs,
    strike: () => {},
    // One core: the figure is per core, whatever the pool size.
    workers: createWorkerPool({ size: 0 }),
  }))!
  const shard = source.next('gemm', Number.MAX_SAFE_INTEGER)!
  const { row0, m, k, rowBlocks, col0, n, panels } = shard.grant
  const f32 = async (sha256: string) =>
    new Float32Array((await blobs.read(sha256, 0, blobs.size(sha256)!)).slice().buffer)
  const data = await Promise.all(panels.map(async (panel) => ({ panel, data: await f32(panel.sha256) })))
  const b = assembleColumns(data, k, col0, n)
  const blocks = await Promise.all(rowBlocks.map(async (block) => ({ block, data: await f32(block.sha256) })))
  const a = { rows: m, cols: k, data: assembleRows(blocks, k, row0, m) }
  const session = await ort.InferenceSession.create(matmulModel(), { executionProviders: ['cpu'] })
  const out = await session.run({
    A: new ort.Tensor('float32', a.data, [a.rows, a.cols]),
    B: new ort.Tensor('float32', b, [a.cols, n]),
  })
  const result = gemmValidator.result.encode({
    c: { rows: a.rows, cols: n, data: out.Y.data as Float32Array },
  })
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const cpu = process.cpuUsage()
    const verdict = await source.verify(shard, gemmValidator.result.decode(result), {
      peer: 'p',
      suspect: false,
      audit: false,
    })
    if (!verdict.ok) throw new Error(`correct result refused: ${verdict.message}`)
    const used = process.cpuUsage(cpu)
    times.push((used.user + used.system) / 1e6)
  }
  return {
    tile: `${a.rows}x${n}x${a.cols}`,
    gflop: shard.flops / 1e9,
    cpuSecondsPerCheck: +median(times).toFixed(4),
    verifiedGflopsPerCore: +(shard.flops / 1e9 / median(times)).toFixed(1),
  }
}

const rows = []
for (const engine of values.engines.split(',')) {
  for (const pages of values.pages.split(',').map(Number)) rows.push(await run(engine, pages))
}
const core = await validatorCore()
console.log(core)
const suffix = `${values.link === 'home' ? '-home' : ''}${values.blobs === 'libp2p' ? '-libp2p' : ''}`
const file = join(root, 'bench', 'results', `e2e${suffix}.json`)
mkdirSync(join(root, 'bench', 'results'), { recursive: true })
writeFileSync(
  file,
  `${JSON.stringify({ benchmark: 'e2e', date: new Date().toISOString(), windowSeconds: windowS, warmupSeconds: warmupS, link: shape ?? 'loopback', rows, validatorCore: core }, null, 2)}\n`,
)
console.log(`wrote ${file}`)
