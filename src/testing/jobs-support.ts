/**
 * What the jobs tests share: the shipped byte-level model, a validator's HTTP API with its owner
 * token, submitting a text-score job, reading its results, and the test's own scores to compare
 * them with.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { TesseraNode } from '../p2p/node-server.ts'
import { startHttpServer } from '../validator/http-server.ts'
import { audioAdvance, audioInputs, segmentsOf, startAudio } from '../validator/jobs/tasks/audio-segments.ts'
import { chunksOf, packChunks, scoreOf, unpackLogits } from '../validator/jobs/tasks/text-score.ts'
import type { Validator } from '../validator/validator.ts'
import type { createNodeOnnx } from '../work/onnx-node.ts'
import { type Harness, REPO_ROOT } from './test-support.ts'

export const MODEL = new Uint8Array(readFileSync(join(REPO_ROOT, 'models', 'train-base.onnx')))
export const MODEL_SHA = bytesToHex(sha256(MODEL))
export const [BATCH, CONTEXT] = [8, 64]
/** Silero VAD v5, as @ricky0123/vad-web ships it: the audio-segments task's model. */
export const SILERO = new Uint8Array(
  readFileSync(
    join(
      createRequire(import.meta.url).resolve('@ricky0123/vad-web/package.json'),
      '..',
      'dist',
      'silero_vad_v5.onnx',
    ),
  ),
)
/** The speech fixture: 1 s of silence, synthesised speech, 1 s of silence (7.2 s, 16 kHz). */
export const SPEECH_WAV = new Uint8Array(
  readFileSync(join(REPO_ROOT, 'src/work/infer/fixtures/speech-16k.wav')),
)

export type Call = (path: string, init?: RequestInit, auth?: string) => Promise<Response>

/** The validator's HTTP API (jobs included), called with its owner token unless told otherwise. */
export async function serveJobs(validator: Validator) {
  const http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    siteDir: join(REPO_ROOT, 'dist'),
    api: validator.api,
    blobs: validator.blobs,
    jobs: validator.jobs!.api,
  })
  const token = validator.jobs!.createdToken!
  const call: Call = (path, init = {}, auth = `Bearer ${token}`) =>
    fetch(new URL(`api/${path}`, http.url), { ...init, headers: { authorization: auth, ...init.headers } })
  return { http, call }
}

/** Uploads the model and submits `body` (JSONL) as a text-score job. */
export async function submitTextScore(call: Call, body: string, query = '') {
  const put = await call(`models/${MODEL_SHA}`, { method: 'PUT', body: MODEL })
  if (put.status !== 200) throw new Error(`model upload: ${put.status} ${await put.text()}`)
  const res = await call(`jobs?task=text-score&model=${MODEL_SHA}${query}`, { method: 'POST', body })
  if (res.status !== 201) throw new Error(`submission: ${res.status} ${await res.text()}`)
  return (await res.json()) as { id: string; items: number; errors: number; state: string }
}

/** The job's output lines so far, parsed. */
export async function jobResults(call: Call, jobId: string) {
  const text = await (await call(`jobs/${jobId}/results`)).text()
  return text
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l))
}

/** A contributor works until the job is done. */
export async function contributeUntilDone(
  harness: Harness,
  validator: Validator,
  node: TesseraNode,
  jobId: string,
  options: Parameters<Harness['contribute']>[2] = {},
): Promise<Awaited<ReturnType<Harness['contribute']>>> {
  let finished = false
  return harness.contribute(
    node,
    () => {
      void validator.ledger.jobs.get(jobId).then((j) => {
        finished ||= j?.state === 'done'
      })
      return finished
    },
    options,
  )
}

/** What this test computes itself for text-score records (the original model's logits), all at once. */
export async function scoreTexts(onnx: ReturnType<typeof createNodeOnnx>, texts: string[]) {
  const perRecord = texts.map((t) => chunksOf(new TextEncoder().encode(t), CONTEXT))
  const chunks = perRecord.flat()
  const outputs: Float32Array[] = []
  for (const tokens of packChunks(chunks, BATCH, CONTEXT)) {
    const [out] = await onnx.run(MODEL_SHA, async () => MODEL, [
      { name: 'tokens', dtype: 'int64', shape: [BATCH, CONTEXT], data: tokens },
    ])
    outputs.push(out.data as Float32Array)
  }
  const logits = unpackLogits(outputs, chunks.length, BATCH, CONTEXT)
  let at = 0
  return texts.map((t, i) => {
    const own = logits.slice(at, at + perRecord[i].length)
    at += perRecord[i].length
    return scoreOf(new TextEncoder().encode(t), CONTEXT, own)
  })
}

/** The audio-segments task's windowed run of Silero on onnxruntime-node, step by step: its segments. */
export async function segmentAudio(onnx: ReturnType<typeof createNodeOnnx>, samples: Float32Array) {
  let state = startAudio(samples)
  while (state.step < state.steps)
    state = audioAdvance(state, await onnx.run('silero', async () => SILERO, audioInputs(state)))
  return segmentsOf(state.probs)
}
