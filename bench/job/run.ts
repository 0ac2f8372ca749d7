/**
 * `npm run bench -- job [--records 5000] [--contributors 1,2,4] [--pages 1,2,4]`: a text-score job
 * (Tiny Shakespeare's last lines, the shipped base model) submitted to a validator in this process
 * and computed by 1, 2 and 4 Node contributors (CPU engine, onnxruntime-node) over libp2p — or, with
 * `--pages`, to the validator `npm start` runs, computed by Chromium pages of the built site (npm run
 * build first) — against onnxruntime-node scoring the same records alone (the do-it-yourself line).
 * Reports records/s delivered, the total compute spent per honest run (contributors' batches plus
 * the validator's recomputations, over the batches one honest run needs), and kind payload bytes
 * moved per record. Writes bench/results/job.json (job-pages.json with --pages). Both sides pack the
 * records' chunks eight to a batch.
 */
import '../../src/validator/polyfills.ts'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { chromium } from '@playwright/test'
import { CHROMIUM_PATH, WEBGPU_ARGS } from '../../e2e/chromium.ts'
import { createHarness, REPO_ROOT } from '../../src/testing/test-support.ts'
import { startValidatorProcess } from '../../src/testing/validator-process.ts'
import type { KindIntensity } from '../../src/validator/api.ts'
import { startHttpServer } from '../../src/validator/http-server.ts'
import { chunksOf, packChunks } from '../../src/validator/jobs/tasks/text-score.ts'
import { infer } from '../../src/work/infer/index.ts'
import { createNodeOnnx } from '../../src/work/onnx-node.ts'

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    records: { type: 'string', default: '5000' },
    contributors: { type: 'string', default: '1,2,4' },
    /** Chromium pages of the built site (npm run build) instead of Node contributors: `--pages 1,2,4`. */
    pages: { type: 'string', default: '' },
  },
})
const RECORDS = Number(values.records)
const [BATCH, CONTEXT] = [8, 64]
const model = new Uint8Array(readFileSync(join(REPO_ROOT, 'models', 'train-base.onnx')))
const texts = readFileSync(join(REPO_ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8')
  .slice(-400_000)
  .split('\n')
  .filter((l) => l.length > 10)
  .slice(0, RECORDS)
if (texts.length < RECORDS) throw new Error(`the corpus's tail holds ${texts.length} lines, not ${RECORDS}`)
/** Every record's chunks, packed eight to a batch across records, as the job's shards pack them. */
const allChunks = texts.flatMap((t) => chunksOf(new TextEncoder().encode(t), CONTEXT))
const batchesPerRun = Math.ceil(allChunks.length / BATCH)

async function alone(): Promise<number> {
  const onnx = createNodeOnnx()
  const started = performance.now()
  for (const tokens of packChunks(allChunks, BATCH, CONTEXT)) {
    await onnx.run('base', async () => model, [
      { name: 'tokens', dtype: 'int64', shape: [BATCH, CONTEXT], data: tokens },
    ])
  }
  const seconds = (performance.now() - started) / 1000
  await onnx.close()
  return seconds
}

async function network(contributors: number) {
  const harness = createHarness()
  try {
    const validator = await harness.startValidator({ sections: { gemm: false }, verifyThreads: 1 })
    const token = validator.jobs!.createdToken!
    const sha = bytesToHex(sha256(model))
    const http = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      siteDir: REPO_ROOT,
      api: validator.api,
      jobs: validator.jobs!.api,
    })
    const call = (path: string, init: RequestInit) =>
      fetch(new URL(`api/${path}`, http.url), { ...init, headers: { authorization: `Bearer ${token}` } })
    await call(`models/${sha}`, { method: 'PUT', body: model })
    const body = texts.map((text, i) => JSON.stringify({ custom_id: `r${i}`, body: { text } })).join('\n')
    const job = (await (
      await call(`jobs?task=text-score&model=${sha}`, { method: 'POST', body })
    ).json()) as { id: string }
    const nodes = await Promise.all(
      Array.from({ length: contributors }, () => harness.contributorNode(validator)),
    )
    const started = performance.now()
    let done = false
    const watch = setInterval(() => {
      void validator.ledger.jobs.get(job.id).then((j) => {
        done ||= j?.state === 'done'
      })
    }, 100)
    const runs = await Promise.all(nodes.map((node) => harness.contribute(node, () => done)))
    clearInterval(watch)
    const seconds = (performance.now() - started) / 1000
    const status = await validator.status()
    // Batches the contributors were granted (each computed once), and those the validator recomputed.
    const granted = runs
      .flatMap((r) => r.events)
      .flatMap((e) => (e.type === 'leased' ? [infer.grant.decode(e.grant.payload).batches.length] : []))
      .reduce((a, b) => a + b, 0)
    const { jobBatchesRecomputed: recomputed, jobBatchesAdaptive: adaptive } = status.sources.infer as {
      jobBatchesRecomputed: number
      jobBatchesAdaptive: number
    }
    const { grantBytes, resultBytes } = status.wire
    await http.close()
    return {
      contributors,
      seconds: +seconds.toFixed(1),
      recordsPerSecond: +(RECORDS / seconds).toFixed(1),
      batchesByContributors: granted,
      batchesRecomputedByValidator: recomputed,
      batchesTakenOnTheirWord: adaptive,
      computePerHonestRun: +((granted + recomputed) / batchesPerRun).toFixed(2),
      intensity: intensityOf(status.intensity.infer),
      bytesPerRecord: Math.round((grantBytes + resultBytes) / RECORDS),
    }
  } finally {
    await harness.cleanup()
  }
}

/**
 * The same job on the validator `npm start` runs (its own process, gemm off), computed by `pages`
 * Chromium pages of the built site pressing Start: ONNX Runtime Web on SwiftShader here.
 */
async function inPages(pages: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-job-bench-'))
  const subnet = join(dir, 'subnet.json')
  writeFileSync(subnet, JSON.stringify({ kinds: { gemm: false } }))
  const validator = await startValidatorProcess(['--subnet', subnet, '--verify-threads', '1'])
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS })
  try {
    const token = readFileSync(join(validator.dataDir, 'owner.token'), 'utf8').trim()
    const call = (path: string, init: RequestInit = {}) =>
      fetch(new URL(`api/${path}`, validator.url), { ...init, headers: { authorization: `Bearer ${token}` } })
    const sha = bytesToHex(sha256(model))
    await call(`models/${sha}`, { method: 'PUT', body: model })
    const body = texts.map((text, i) => JSON.stringify({ custom_id: `r${i}`, body: { text } })).join('\n')
    const job = (await (
      await call(`jobs?task=text-score&model=${sha}`, { method: 'POST', body })
    ).json()) as {
      id: string
    }
    const started = performance.now()
    for (let i = 0; i < pages; i++) {
      const page = await (await browser.newContext()).newPage()
      await page.goto(validator.url)
      await page.getByTestId('start').click()
    }
    while (((await (await call(`jobs/${job.id}`)).json()) as { state: string }).state !== 'done')
      await new Promise((r) => setTimeout(r, 250))
    const seconds = (performance.now() - started) / 1000
    const status = (await (await fetch(new URL('api/status', validator.url))).json()) as {
      sources: {
        infer: { jobBatchesReceived: number; jobBatchesRecomputed: number; jobBatchesAdaptive: number }
      }
      wire: { grantBytes: number; resultBytes: number }
      intensity: Record<string, KindIntensity>
    }
    const { jobBatchesReceived: received, jobBatchesRecomputed: recomputed } = status.sources.infer
    return {
      pages,
      seconds: +seconds.toFixed(1),
      recordsPerSecond: +(RECORDS / seconds).toFixed(1),
      batchesByContributors: received,
      batchesRecomputedByValidator: recomputed,
      batchesTakenOnTheirWord: status.sources.infer.jobBatchesAdaptive,
      computePerHonestRun: +((received + recomputed) / batchesPerRun).toFixed(2),
      bytesPerRecord: Math.round((status.wire.grantBytes + status.wire.resultBytes) / RECORDS),
      intensity: intensityOf(status.intensity.infer),
    }
  } finally {
    await browser.close()
    await validator.stop()
  }
}

const diy = await alone()
console.log(`onnxruntime-node alone: ${RECORDS} records (${batchesPerRun} batches) in ${diy.toFixed(1)} s`)
const rows = []
const pageRows = []
const counts = (list: string) =>
  list
    .split(',')
    .filter((n) => n !== '')
    .map(Number)
for (const n of values.pages === '' ? counts(values.contributors!) : []) {
  const row = await network(n)
  console.log(`${n} contributor(s): ${row.recordsPerSecond} records/s, ${row.bytesPerRecord} bytes/record`)
  rows.push(row)
}
for (const n of counts(values.pages!)) {
  const row = await inPages(n)
  console.log(`${n} page(s): ${row.recordsPerSecond} records/s, ${row.bytesPerRecord} bytes/record`)
  pageRows.push(row)
}
const out = {
  benchmark: 'job',
  date: new Date().toISOString(),
  cores: availableParallelism(),
  task: 'text-score',
  model: 'models/train-base.onnx (tokens [8, 64])',
  records: RECORDS,
  batchesPerHonestRun: batchesPerRun,
  alone: { seconds: +diy.toFixed(1), recordsPerSecond: +(RECORDS / diy).toFixed(1) },
  ...(rows.length > 0 ? { network: rows } : {}),
  ...(pageRows.length > 0 ? { pages: pageRows } : {}),
}
mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true })
const file = pageRows.length > 0 ? 'job-pages.json' : 'job.json'
writeFileSync(join(REPO_ROOT, 'bench', 'results', file), `${JSON.stringify(out, null, 2)}\n`)
console.log(JSON.stringify(out, null, 2))

/** The kind's FLOPs per byte each way (docs/SCALING.md), whole run (its model download included). */
function intensityOf(i: KindIntensity | undefined) {
  if (i == null) return undefined
  return {
    gflop: +(i.verifiedFlops / 1e9).toFixed(2),
    flopsPerByteDown: Math.round(i.flopsPerByteDown),
    flopsPerByteUp: Math.round(i.flopsPerByteUp),
    modelAndBlobBytes: i.blobBytes,
  }
}
