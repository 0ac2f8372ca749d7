/**
 * A job through the requester's command line (`npm run job`) against the validator as `npm start`
 * runs it (no subnet config), computed by Node contributors over WebSockets; the validator is
 * SIGKILLed mid-job and restarted on its data dir, and the results are still complete, each record
 * once.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import {
  freePort,
  REPO_ROOT,
  SMALL_TRAIN,
  startWsContributor,
  type WsContributor,
} from '../../testing/test-support.ts'
import { startValidatorProcess, type ValidatorProcess } from '../../testing/validator-process.ts'
import { openLedger } from '../ledger/index.ts'

const run = promisify(execFile)
/** Enough that the validator is killed mid-job even with several records to a batch. */
const RECORDS = 1200
const dir = mkdtempSync(join(tmpdir(), 'tessera-job-cli-'))
const running: Array<ValidatorProcess | WsContributor> = []
afterAll(async () => {
  for (const r of running.reverse()) await r.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** `npm run job -- …`, as the requester types it; exit code and output. */
async function job(args: string[], validator: ValidatorProcess) {
  try {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/job.ts',
        ...args,
        '--validator',
        validator.url,
        '--data-dir',
        validator.dataDir,
      ],
      { cwd: REPO_ROOT },
    )
    return { code: 0, out: stdout }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, out: `${e.stdout}${e.stderr}` }
  }
}

describe('the job command line', () => {
  it('submits a job, watches it, survives a validator crash, and writes the complete, signed results', async () => {
    const dataDir = join(dir, 'data')
    const listen = `/ip4/127.0.0.1/tcp/${await freePort()}/ws`
    const args = [
      '--batch-rows',
      '64',
      '--in-features',
      '64',
      '--out-features',
      '128',
      '--shard-ms',
      '20',
      '--lease-ttl',
      '2',
    ]
    const start = () => startValidatorProcess(args, { dataDir, listen })
    let validator = await start()
    expect(validator.output()).toMatch(/owner token \S+ \(shown once/)
    const lines = readFileSync(join(REPO_ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8')
      .slice(-80_000)
      .split('\n')
      .filter((l) => l.length > 10)
      .slice(0, RECORDS)
    expect(lines).toHaveLength(RECORDS)
    const input = join(dir, 'dataset.jsonl')
    writeFileSync(
      input,
      lines.map((text, i) => JSON.stringify({ custom_id: `line-${i}`, body: { text } })).join('\n'),
    )
    const submitted = await job(
      ['submit', '--task', 'text-score', '--model', 'models/train-base.onnx', '--input', input],
      validator,
    )
    expect(submitted.code).toBe(0)
    const id = submitted.out.trimEnd().split('\n').at(-1)!
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    const early = await job(['results', id, '--out', join(dir, 'early.jsonl')], validator)
    expect(early.code).not.toBe(0)
    expect(early.out).toContain(`of ${RECORDS} records have no verified result yet`)

    const address = /libp2p +(\S+)/.exec(validator.output())![1]
    const contributors = await Promise.all([startWsContributor(address), startWsContributor(address)])
    running.push(...contributors)
    const delivered = async () =>
      Number(
        new RegExp(` (\\d+)/${RECORDS} records`).exec((await job(['status', id], validator)).out)?.[1] ?? 0,
      )
    while ((await delivered()) < 20) await new Promise((r) => setTimeout(r, 200))
    await validator.kill()
    // Killed mid-job: some records verified and kept, the rest not yet.
    const kept = openLedger(join(dataDir, 'ledger.sqlite'))
    const atCrash = await kept.jobs.progress(id)
    await kept.close()
    expect(atCrash.delivered).toBeGreaterThanOrEqual(20)
    expect(atCrash.delivered).toBeLessThan(RECORDS)
    validator = await start()
    running.push(validator)
    expect(validator.output()).not.toMatch(/owner token/)
    for (let i = 0; i < 600 && (await delivered()) < RECORDS; i++)
      await new Promise((r) => setTimeout(r, 250))
    const status = await job(['status', id], validator)
    expect(status.out).toContain(`${RECORDS}/${RECORDS} records (0 errors), done`)

    const out = join(dir, 'results.jsonl')
    const written = await job(['results', id, '--out', out], validator)
    expect(written.code).toBe(0)
    const records = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(records.map((r) => r.custom_id)).toEqual(lines.map((_, i) => `line-${i}`))
    for (const r of records) {
      expect(r.error).toBeNull()
      // An established contributor's results are taken on its word at the check rate (assurance.ts).
      expect(['recompute', 'adaptive']).toContain(r.response.verified_by)
      expect(r.response.contributors).toHaveLength(1)
      expect(r.response.body.nats_per_byte).toBeGreaterThan(0)
    }
    expect(JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8')).records).toBe(RECORDS)
  })

  it('submits an audio-segments job from a WAV and from a JSONL of WAVs, uploading each WAV once', async () => {
    const validator = await startValidatorProcess(['--shard-ms', '20'], {
      dataDir: join(dir, 'audio'),
      listen: `/ip4/127.0.0.1/tcp/${await freePort()}/ws`,
    })
    running.push(validator)
    const silero = join(REPO_ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx')
    const wav = join(REPO_ROOT, 'src/work/infer/fixtures/speech-16k.wav')
    const single = await job(
      ['submit', '--task', 'audio-segments', '--model', silero, '--input', wav],
      validator,
    )
    expect(single.code).toBe(0)
    expect(single.out).toContain('uploading')
    const list = join(dir, 'audio.jsonl')
    // A path in the JSONL is resolved against the JSONL's folder (an absolute one stays as it is).
    writeFileSync(
      list,
      [
        JSON.stringify({ custom_id: 'same', body: { wav: relative(dir, wav) } }),
        JSON.stringify({ custom_id: 'absent', body: { wav: 'no-such.wav' } }),
      ].join('\n'),
    )
    const many = await job(
      ['submit', '--task', 'audio-segments', '--model', silero, '--input', list],
      validator,
    )
    expect(many.code).toBe(0)
    // Held already: not uploaded twice.
    expect(many.out).not.toContain('uploading')
    const ids = [single, many].map((r) => r.out.trimEnd().split('\n').at(-1)!)
    const address = /libp2p +(\S+)/.exec(validator.output())![1]
    running.push(await startWsContributor(address))
    for (const id of ids)
      for (let i = 0; i < 400 && !(await job(['status', id], validator)).out.includes(', done'); i++)
        await new Promise((r) => setTimeout(r, 250))
    const out = join(dir, 'audio-results.jsonl')
    expect((await job(['results', ids[1], '--out', out], validator)).code).toBe(0)
    const [same, absent] = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(same.response.body.segments.length).toBeGreaterThanOrEqual(1)
    expect(same.response.body.segments[0].start_s).toBeGreaterThan(0.8)
    expect(absent.error.code).toBe('invalid_body')
  }, 240_000)

  it('submits a training job (a corpus and a config) and writes its checkpoint and ONNX export beside the results', async () => {
    const validator = await startValidatorProcess(['--shard-ms', '20'], {
      dataDir: join(dir, 'train'),
      listen: `/ip4/127.0.0.1/tcp/${await freePort()}/ws`,
    })
    running.push(validator)
    const corpus = join(dir, 'corpus.txt')
    writeFileSync(
      corpus,
      readFileSync(join(REPO_ROOT, 'corpora', 'tinyshakespeare.txt')).subarray(0, 100_000),
    )
    const config = join(dir, 'train.json')
    writeFileSync(config, JSON.stringify({ ...SMALL_TRAIN, maxSteps: 6 }))
    const submitted = await job(
      ['submit', '--task', 'train', '--model', config, '--input', corpus],
      validator,
    )
    expect(submitted.code).toBe(0)
    const id = submitted.out.trimEnd().split('\n').at(-1)!
    running.push(await startWsContributor(/libp2p +(\S+)/.exec(validator.output())![1]))
    for (let i = 0; i < 400 && !(await job(['status', id], validator)).out.includes(', done'); i++)
      await new Promise((r) => setTimeout(r, 250))
    const out = join(dir, 'trained.jsonl')
    const written = await job(['results', id, '--out', out], validator)
    expect(written.code).toBe(0)
    expect(written.out).toContain(`the model in ${out}.safetensors and ${out}.onnx`)
    const [line] = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(line.response.body.steps).toBe(6)
    expect(readFileSync(`${out}.onnx`).length).toBeGreaterThan(1000)
  }, 240_000)
})
