/**
 * `npm run bench -- job [--records 5000] [--contributors 1,2,4]`: a text-score job (Tiny Shakespeare's
 * last lines, the shipped base model) submitted to a validator in this process and computed by 1, 2
 * and 4 Node contributors (CPU engine, onnxruntime-node) over libp2p, against onnxruntime-node
 * scoring the same records alone (the do-it-yourself line). Reports records/s delivered, the total
 * compute spent per honest run (contributors' batches plus the validator's recomputations, over the
 * batches one honest run needs), and kind payload bytes moved per record. Writes
 * bench/results/job.json. Both sides pack the records' chunks eight to a batch.
 */
import '../../src/validator/polyfills.ts'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { createHarness, REPO_ROOT } from '../../src/testing/test-support.ts'
import { startHttpServer } from '../../src/validator/http-server.ts'
import { chunksOf, packChunks } from '../../src/validator/jobs/tasks/text-score.ts'
import { infer } from '../../src/work/infer/index.ts'
import { createNodeOnnx } from '../../src/work/onnx-node.ts'

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    records: { type: 'string', default: '5000' },
    contributors: { type: 'string', default: '1,2,4' },
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
      bytesPerRecord: Math.round((grantBytes + resultBytes) / RECORDS),
    }
  } finally {
    await harness.cleanup()
  }
}

const diy = await alone()
console.log(`onnxruntime-node alone: ${RECORDS} records (${batchesPerRun} batches) in ${diy.toFixed(1)} s`)
const rows = []
for (const n of values.contributors!.split(',').map(Number)) {
  const row = await network(n)
  console.log(`${n} contributor(s): ${row.recordsPerSecond} records/s, ${row.bytesPerRecord} bytes/record`)
  rows.push(row)
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
  network: rows,
}
mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true })
writeFileSync(join(REPO_ROOT, 'bench', 'results', 'job.json'), `${JSON.stringify(out, null, 2)}\n`)
console.log(JSON.stringify(out, null, 2))
