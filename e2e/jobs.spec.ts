/**
 * A requester submits a text-score job through the validator's Jobs page; two Chromium pages
 * contribute; the results downloaded from the page are complete, and every record equals this test's
 * own recomputation with onnxruntime-node.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { chunksOf, packChunks, scoreOf, unpackLogits } from '../src/validator/jobs/tasks/text-score.ts'
import { createNodeOnnx } from '../src/work/onnx-node.ts'

let validator: ValidatorProcess

test.beforeAll(async () => {
  validator = await startValidatorProcess([
    '--batch-rows',
    '64',
    '--in-features',
    '64',
    '--out-features',
    '128',
  ])
})
test.afterAll(async () => {
  await validator?.stop()
})

const RECORDS = 40

test('a requester submits a job on the Jobs page, two pages compute it, and the results come back verified', async ({
  browser,
}) => {
  test.setTimeout(240_000)
  const dir = mkdtempSync(join(tmpdir(), 'tessera-jobs-e2e-'))
  const texts = readFileSync('corpora/tinyshakespeare.txt', 'utf8')
    .slice(-12_000)
    .split('\n')
    .filter((l) => l.length > 15)
    .slice(0, RECORDS)
  const dataset = join(dir, 'lines.jsonl')
  writeFileSync(
    dataset,
    texts.map((text, i) => JSON.stringify({ custom_id: `q${i}`, body: { text } })).join('\n'),
  )

  const requester = await browser.newPage()
  await requester.goto(new URL('jobs.html', validator.url).href)
  await requester
    .getByTestId('token')
    .fill(readFileSync(join(validator.dataDir, 'owner.token'), 'utf8').trim())
  await requester.getByRole('button', { name: 'Use this token' }).click()
  await requester.getByTestId('task').selectOption('text-score')
  await requester.getByTestId('model').setInputFiles('models/train-base.onnx')
  await requester.getByTestId('dataset').setInputFiles(dataset)
  await requester.getByTestId('submit').click()
  await expect(requester.getByTestId('submit-status')).toContainText(
    `${RECORDS} records (0 could not be read)`,
  )
  const row = requester.locator('[data-testid="jobs"] tr').first()
  await expect(row).toHaveAttribute('data-state', 'running')

  const contributors = await Promise.all([browser.newPage(), browser.newPage()])
  for (const page of contributors) {
    await page.goto(validator.url)
    await page.getByTestId('start').click()
  }
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 200_000 })
  for (const page of contributors) await page.getByTestId('stop').click()

  const downloading = requester.waitForEvent('download')
  await row.getByTestId('download').click()
  const file = await (await downloading).path()
  const lines = readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l))
  expect(lines.map((l) => l.custom_id)).toEqual(texts.map((_, i) => `q${i}`))

  const model = new Uint8Array(readFileSync('models/train-base.onnx'))
  const onnx = createNodeOnnx()
  try {
    for (const [i, line] of lines.entries()) {
      expect(line.error).toBeNull()
      expect(line.response.verified_by).toBe('recompute')
      const bytes = new TextEncoder().encode(texts[i])
      const chunks = chunksOf(bytes, 64)
      const outputs: Float32Array[] = []
      for (const tokens of packChunks(chunks, 8, 64)) {
        const [out] = await onnx.run('base', async () => model, [
          { name: 'tokens', dtype: 'int64', shape: [8, 64], data: tokens },
        ])
        outputs.push(out.data as Float32Array)
      }
      const want = scoreOf(bytes, 64, unpackLogits(outputs, chunks.length, 8, 64))
      expect(Math.abs(line.response.body.nats_per_byte - want.nats_per_byte)).toBeLessThan(1e-4)
    }
  } finally {
    await onnx.close()
  }
  // The records name the page peers that computed them.
  const named = new Set(lines.flatMap((l) => l.response.contributors))
  expect(named.size).toBeGreaterThanOrEqual(1)
})
