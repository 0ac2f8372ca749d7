/**
 * A requester submits a text-score job of 2,000 lines and an audio-segments job over a WAV of a few
 * minutes through the validator's Jobs page; two Chromium pages contribute; the results downloaded
 * from the page are complete, and every record equals this test's own recomputation with
 * onnxruntime-node (text-score within 1e-4 nats per byte; audio-segments within two frames).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, expect, type Locator, type Page, test } from '@playwright/test'
import { SPEECH_WAV, scoreTexts, segmentAudio } from '../src/testing/jobs-support.ts'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { createNodeOnnx } from '../src/work/onnx-node.ts'
import { decodeWav, encodeWav } from '../src/work/wav.ts'

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

const RECORDS = 2000

/** The Jobs page, signed in with the owner token. */
async function jobsPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage()
  await page.goto(new URL('jobs.html', validator.url).href)
  await page.getByTestId('token').fill(readFileSync(join(validator.dataDir, 'owner.token'), 'utf8').trim())
  await page.getByRole('button', { name: 'Use this token' }).click()
  return page
}

/** Submits a job on the Jobs page; its row in the jobs table. */
async function submitOnPage(requester: Page, task: string, model: string, dataset: string, records: number) {
  await requester.getByTestId('task').selectOption(task)
  await requester.getByTestId('model').setInputFiles(model)
  await requester.getByTestId('dataset').setInputFiles(dataset)
  await requester.getByTestId('submit').click()
  await expect(requester.getByTestId('submit-status')).toContainText(
    `${records} records (0 could not be read)`,
    {
      timeout: 60_000,
    },
  )
  const id = /Job (\S+) submitted/.exec(
    (await requester.getByTestId('submit-status').textContent()) ?? '',
  )![1]
  const row = requester.locator(`[data-testid="jobs"] tr[data-job="${id}"]`)
  await expect(row).toHaveAttribute('data-state', 'running')
  return row
}

async function downloaded(row: Locator, requester: Page) {
  const downloading = requester.waitForEvent('download')
  await row.getByTestId('download').click()
  return readFileSync(await (await downloading).path(), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l))
}

test('a requester submits jobs on the Jobs page, two pages compute them, and the results come back verified', async ({
  browser,
}) => {
  test.setTimeout(540_000)
  const dir = mkdtempSync(join(tmpdir(), 'tessera-jobs-e2e-'))
  const texts = readFileSync('corpora/tinyshakespeare.txt', 'utf8')
    .slice(-200_000)
    .split('\n')
    .filter((l) => l.length > 15)
    .slice(0, RECORDS)
  expect(texts).toHaveLength(RECORDS)
  const dataset = join(dir, 'lines.jsonl')
  writeFileSync(
    dataset,
    texts.map((text, i) => JSON.stringify({ custom_id: `q${i}`, body: { text } })).join('\n'),
  )
  // Two minutes and a half: the speech fixture (1 s silence, speech, 1 s silence) 21 times over.
  const { samples } = decodeWav(SPEECH_WAV)
  const audio = new Float32Array(samples.length * 21)
  for (let i = 0; i < 21; i++) audio.set(samples, i * samples.length)
  const wav = join(dir, 'talk.wav')
  writeFileSync(wav, encodeWav(audio, 16_000))

  const requester = await jobsPage(browser)
  const scoring = await submitOnPage(requester, 'text-score', 'models/train-base.onnx', dataset, RECORDS)
  const silero = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx'
  const listening = await submitOnPage(requester, 'audio-segments', silero, wav, 1)
  await expect(listening).toContainText('audio-segments')

  const contributors = await Promise.all([browser.newPage(), browser.newPage()])
  for (const page of contributors) {
    await page.goto(validator.url)
    await page.getByTestId('start').click()
  }
  await expect(scoring).toHaveAttribute('data-state', 'done', { timeout: 400_000 })
  await expect(listening).toHaveAttribute('data-state', 'done', { timeout: 200_000 })
  for (const page of contributors) await page.getByTestId('stop').click()

  const lines = await downloaded(scoring, requester)
  expect(lines.map((l) => l.custom_id)).toEqual(texts.map((_, i) => `q${i}`))
  const onnx = createNodeOnnx()
  try {
    const wants = await scoreTexts(onnx, texts)
    for (const [i, line] of lines.entries()) {
      expect(line.error).toBeNull()
      expect(['recompute', 'adaptive']).toContain(line.response.verified_by)
      expect(Math.abs(line.response.body.nats_per_byte - wants[i].nats_per_byte)).toBeLessThan(1e-4)
    }
    // The records name the page peers that computed them.
    const named = new Set(lines.flatMap((l) => l.response.contributors))
    expect(named.size).toBeGreaterThanOrEqual(1)

    const [segmented] = await downloaded(listening, requester)
    expect(segmented.custom_id).toBe('talk.wav')
    const want = await segmentAudio(onnx, audio)
    const got = segmented.response.body.segments as Array<{
      start_s: number
      end_s: number
      probability: number
    }>
    expect(want.length).toBeGreaterThanOrEqual(21)
    expect(got).toHaveLength(want.length)
    const frame = 512 / 16_000
    for (const [i, s] of got.entries()) {
      expect(Math.abs(s.start_s - want[i].start_s)).toBeLessThanOrEqual(2 * frame)
      expect(Math.abs(s.end_s - want[i].end_s)).toBeLessThanOrEqual(2 * frame)
      expect(Math.abs(s.probability - want[i].probability)).toBeLessThan(0.01)
    }
  } finally {
    await onnx.close()
  }
})

test('a training job goes in from the Jobs page (a JSON config and a corpus) and can be cancelled there', async ({
  browser,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-jobs-train-e2e-'))
  const config = join(dir, 'train.json')
  writeFileSync(config, JSON.stringify({ layers: 1, width: 16, heads: 2, context: 16, maxSteps: 100 }))
  const corpus = join(dir, 'corpus.txt')
  writeFileSync(corpus, readFileSync('corpora/tinyshakespeare.txt').subarray(0, 50_000))
  const requester = await jobsPage(browser)
  const row = await submitOnPage(requester, 'train', config, corpus, 1)
  await expect(row).toContainText('train')
  await row.getByRole('button', { name: 'Cancel' }).click()
  await expect(row).toHaveAttribute('data-state', 'cancelled')
})
