/**
 * A requester's job end to end: the model and a text-score dataset go in over the authenticated HTTP
 * API, a Node contributor computes it over libp2p, and the results that come back are complete, each
 * record equal to this test's own recomputation, signed by the validator's manifest. A contributor
 * that returns plausible wrong outputs gets none of its outputs into the file.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BATCH,
  CONTEXT,
  contributeUntilDone,
  jobResults,
  MODEL,
  MODEL_SHA,
  SILERO,
  SPEECH_WAV,
  scoreTexts,
  segmentAudio,
  serveJobs,
  submitTextScore,
} from '../../testing/jobs-support.ts'
import { createHarness, REPO_ROOT } from '../../testing/test-support.ts'
import type { NamedTensor } from '../../work/kind.ts'
import { createNodeOnnx } from '../../work/onnx-node.ts'
import { decodeWav, encodeWav } from '../../work/wav.ts'
import { type Manifest, verifyManifest } from './manifest.ts'
import type { ModelInfo } from './models.ts'
import { decodeNpy } from './npy.ts'
import { packRows, unpackRows } from './rows.ts'
import { startGeneration, textGenerateTask } from './tasks/text-generate.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

const INFO: ModelInfo = {
  sha256: MODEL_SHA,
  inputs: [{ name: 'tokens', type: 'int64', shape: [BATCH, CONTEXT] }],
  outputs: ['logits'],
}

/** Lines of Shakespeare's held-out tail, as records, with two that cannot be scored. */
function dataset(records: number): string {
  const tail = readFileSync(join(REPO_ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8').slice(-6000)
  const lines = tail
    .split('\n')
    .filter((l) => l.length > 20)
    .slice(0, records)
  return [
    ...lines.map((text, i) => JSON.stringify({ custom_id: `r${i}`, body: { text } })),
    JSON.stringify({ custom_id: 'short', body: { text: 'a' } }),
    '{not json',
  ].join('\n')
}

describe('jobs', () => {
  it('a text-score job goes in over HTTP, is computed by a contributor and comes back complete, verified and signed', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      const job = await submitTextScore(call, dataset(12))
      expect(job).toMatchObject({ items: 14, errors: 2, state: 'running' })
      const node = await harness.contributorNode(validator)
      await contributeUntilDone(harness, validator, node, job.id)
      const status = await (await call(`jobs/${job.id}`)).json()
      expect(status).toMatchObject({ state: 'done', items: 14, delivered: 14, errors: 2, eta_s: 0 })
      // Scored on the contributor (the model rewritten to give -ln p of each next byte): results are
      // a few KB a record, not the 512 KiB of logits per batch.
      expect(status.model).not.toBe(MODEL_SHA)
      expect(status.cost_flops).toBeGreaterThan(0)
      const { wire } = await validator.status()
      expect(wire.resultBytes / 12).toBeLessThan(8192)
      const text = await (await call(`jobs/${job.id}/results`)).text()
      const lines = text.trimEnd().split('\n')
      expect(lines).toHaveLength(14)
      const records = lines.map((l) => JSON.parse(l))
      expect(records.map((r) => r.custom_id)).toEqual([
        ...Array.from({ length: 12 }, (_, i) => `r${i}`),
        'short',
        'line-14',
      ])
      expect(records.slice(12).map((r) => r.error.code)).toEqual(['too_short', 'invalid_json'])
      const onnx = createNodeOnnx()
      try {
        const inputs = dataset(12)
          .split('\n')
          .slice(0, 12)
          .map((l) => JSON.parse(l).body.text as string)
        const wants = await scoreTexts(onnx, inputs)
        for (const [i, r] of records.slice(0, 12).entries()) {
          expect(r.error).toBeNull()
          expect(r.response.verified_by).toBe('recompute')
          expect(r.response.contributors).toEqual([node.peerId.toString()])
          const want = wants[i]
          expect(r.response.body.bytes).toBe(want.bytes)
          expect(Math.abs(r.response.body.nats_per_byte - want.nats_per_byte)).toBeLessThan(1e-4)
        }
      } finally {
        await onnx.close()
      }
      const manifest = (await (await call(`jobs/${job.id}/manifest`)).json()) as Manifest
      expect(manifest.validator).toBe(validator.peerId.toString())
      await verifyManifest(manifest, lines)
      const altered = [...lines]
      altered[0] = altered[0].replace(/"nats_per_byte":[0-9.]+/, '"nats_per_byte":0.1')
      await expect(verifyManifest(manifest, altered)).rejects.toThrow(/root/)
    } finally {
      await http.close()
    }
  })

  it('a tensors job runs any ONNX model on the records’ named tensors and gives back its outputs', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      const mlp = new Uint8Array(readFileSync(join(REPO_ROOT, 'models', 'mlp-16x64x64x10.onnx')))
      const mlpSha = bytesToHex(sha256(mlp))
      expect((await call(`models/${mlpSha}`, { method: 'PUT', body: mlp })).status).toBe(200)
      const x = (seed: number) =>
        Array.from({ length: 64 }, (_, r) =>
          Array.from({ length: 16 }, (_, c) => Math.sin(seed + r * 16 + c)),
        )
      const records = [0, 1, 2].map((i) =>
        JSON.stringify({ custom_id: `t${i}`, body: { inputs: { x: x(i) } } }),
      )
      records.push(JSON.stringify({ custom_id: 'bad', body: { inputs: { x: [[1, 2]] } } }))
      const res = await call(`jobs?task=tensors&model=${mlpSha}`, {
        method: 'POST',
        body: records.join('\n'),
      })
      expect(res.status).toBe(201)
      const job = await res.json()
      expect(job).toMatchObject({ items: 4, errors: 1 })
      const node = await harness.contributorNode(validator)
      await contributeUntilDone(harness, validator, node, job.id)
      const lines = await jobResults(call, job.id)
      expect(lines[3]).toMatchObject({ custom_id: 'bad', response: null, error: { code: 'invalid_shape' } })
      const onnx = createNodeOnnx()
      try {
        for (const i of [0, 1, 2]) {
          const data = Float32Array.from(x(i).flat())
          const [want] = await onnx.run(mlpSha, async () => mlp, [
            { name: 'x', dtype: 'float32', shape: [64, 16], data },
          ])
          const got = lines[i].response.body.outputs[want.name] as number[][]
          expect([got.length, got[0].length]).toEqual(want.shape)
          const flat = got.flat()
          for (const [k, v] of (want.data as Float32Array).entries())
            expect(Math.abs(flat[k] - v)).toBeLessThan(1e-5)
        }
      } finally {
        await onnx.close()
      }
    } finally {
      await http.close()
    }
  })

  it('a tensors job gives a large output as a .npy file its line names by sha256', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      expect((await call(`models/${MODEL_SHA}`, { method: 'PUT', body: MODEL })).status).toBe(200)
      const tokens = Array.from({ length: BATCH }, (_, r) =>
        Array.from({ length: CONTEXT }, (_, c) => (r * 7 + c) % 256),
      )
      const body = JSON.stringify({ custom_id: 'big', body: { inputs: { tokens } } })
      const res = await call(`jobs?task=tensors&model=${MODEL_SHA}`, { method: 'POST', body })
      expect(res.status).toBe(201)
      const job = await res.json()
      await contributeUntilDone(harness, validator, await harness.contributorNode(validator), job.id)
      const [line] = await jobResults(call, job.id)
      const ref = line.response.body.outputs.logits
      expect(ref).toMatchObject({ dtype: 'float32', shape: [BATCH, CONTEXT, 256] })
      const file = new Uint8Array(await (await call(`files/${ref.npy}`)).arrayBuffer())
      expect(bytesToHex(sha256(file))).toBe(ref.npy)
      const got = decodeNpy(file)
      expect(got.shape).toEqual([BATCH, CONTEXT, 256])
      const onnx = createNodeOnnx()
      try {
        const [want] = await onnx.run(MODEL_SHA, async () => MODEL, [
          {
            name: 'tokens',
            dtype: 'int64',
            shape: [BATCH, CONTEXT],
            data: BigInt64Array.from(tokens.flat(), BigInt),
          },
        ])
        let worst = 0
        for (const [k, v] of (want.data as Float32Array).entries())
          worst = Math.max(worst, Math.abs((got.data[k] as number) - v))
        expect(worst).toBeLessThan(1e-4)
      } finally {
        await onnx.close()
      }
    } finally {
      await http.close()
    }
  })

  it('a text-generate job continues prompts one byte per model run, greedy or seeded, exactly as the validator recomputes', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      const prompts = [
        { prompt: 'ROMEO:\nBut soft', max_bytes: 12 },
        { prompt: 'KING', max_bytes: 8, seed: 5, temperature: 0.8 },
        { prompt: 'x'.repeat(80), max_bytes: 3 },
      ]
      const body = prompts.map((p, i) => JSON.stringify({ custom_id: `g${i}`, body: p })).join('\n')
      expect((await call(`models/${MODEL_SHA}`, { method: 'PUT', body: MODEL })).status).toBe(200)
      const res = await call(`jobs?task=text-generate&model=${MODEL_SHA}`, { method: 'POST', body })
      expect(res.status).toBe(201)
      const job = await res.json()
      const node = await harness.contributorNode(validator)
      await contributeUntilDone(harness, validator, node, job.id)
      const lines = await jobResults(call, job.id)
      const onnx = createNodeOnnx()
      try {
        for (const [i, p] of prompts.entries()) {
          // The same steps, run here: the last 64 bytes in, the chosen byte appended.
          let state = startGeneration(p)
          for (let n = 0; n < p.max_bytes; n++) {
            const rows = textGenerateTask.inputs(state, INFO)
            const [batch] = packRows(rows, BATCH)
            const outputs = await onnx.run(MODEL_SHA, async () => MODEL, batch)
            const step = textGenerateTask.advance(state, INFO, unpackRows([outputs], rows.length, BATCH))
            if (step.done) {
              expect(lines[i].response.body).toEqual(step.result)
              break
            }
            state = step.state
          }
          expect(lines[i].response.verified_by).toBe('recompute')
        }
      } finally {
        await onnx.close()
      }
      expect(new TextEncoder().encode(lines[0].response.body.text).length).toBeLessThanOrEqual(12)
    } finally {
      await http.close()
    }
  })

  it('an audio-segments job finds the speech in uploaded WAVs, as the validator’s own run of Silero does', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      const sha = (bytes: Uint8Array) => bytesToHex(sha256(bytes))
      // Half a minute (the fixture four times over), and the fixture alone.
      const { samples } = decodeWav(SPEECH_WAV)
      const long = new Float32Array(samples.length * 4)
      for (let i = 0; i < 4; i++) long.set(samples, i * samples.length)
      const wavs = [encodeWav(long, 16_000), SPEECH_WAV]
      for (const wav of wavs)
        expect((await call(`files/${sha(wav)}`, { method: 'PUT', body: new Uint8Array(wav) })).status).toBe(
          200,
        )
      const wrong = await call(`files/${sha(SILERO)}`, { method: 'PUT', body: SPEECH_WAV })
      expect(wrong.status).toBe(422)
      expect((await call(`models/${sha(SILERO)}`, { method: 'PUT', body: SILERO })).status).toBe(200)
      const body = [
        ...wavs.map((wav, i) => JSON.stringify({ custom_id: `a${i}`, body: { wav: sha(wav) } })),
        JSON.stringify({ custom_id: 'missing', body: { wav: '0'.repeat(64) } }),
      ].join('\n')
      const res = await call(`jobs?task=audio-segments&model=${sha(SILERO)}`, { method: 'POST', body })
      expect(res.status).toBe(201)
      const job = await res.json()
      expect(job).toMatchObject({ items: 3, errors: 1 })
      const node = await harness.contributorNode(validator)
      await contributeUntilDone(harness, validator, node, job.id)
      const lines = await jobResults(call, job.id)
      expect(lines.map((l) => l.custom_id)).toEqual(['a0', 'a1', 'missing'])
      expect(lines[2].error.code).toBe('unknown_file')
      const onnx = createNodeOnnx()
      try {
        for (const [i, wav] of wavs.entries()) {
          const want = await segmentAudio(onnx, decodeWav(wav).samples)
          expect(lines[i].response.body.segments).toEqual(want)
          expect(lines[i].response.body.segments.length).toBeGreaterThanOrEqual(i === 0 ? 4 : 1)
        }
      } finally {
        await onnx.close()
      }
    } finally {
      await http.close()
    }
  }, 300_000)

  it('a job of higher priority is offered first; one of lower priority waits until its records are handed out', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      const low = await submitTextScore(call, dataset(4))
      const high = await submitTextScore(call, dataset(4), '&priority=5')
      await validator.jobs!.work.refill()
      const offered = () => validator.jobs!.work.offers().map((o) => o.notes?.job)
      expect(offered()).toEqual([high.id.slice(0, 8)])
      // Once the high job's records are all handed out, the low one's go out too.
      await contributeUntilDone(harness, validator, await harness.contributorNode(validator), low.id)
      const [first, second] = await Promise.all(
        [high, low].map((j) => validator.ledger.jobs.outputs(j.id, -1, 10)),
      )
      const at = (outputs: typeof first) =>
        outputs.filter((o) => o.verifiedBy != null).map((o) => o.deliveredAt)
      expect(Math.min(...at(second))).toBeGreaterThanOrEqual(Math.min(...at(first)))
    } finally {
      await http.close()
    }
  })

  it('a job with a reward announces the rate it pays per GFLOP beside its offer', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      const job = await submitTextScore(call, dataset(8), '&reward=2000000000')
      const plain = await submitTextScore(call, dataset(8))
      await validator.jobs!.work.refill()
      const offers = validator.jobs!.work.offers()
      const rated = offers.find((o) => o.notes?.job === job.id.slice(0, 8))!
      expect(offers.find((o) => o.notes?.job === plain.id.slice(0, 8))!.notes).not.toHaveProperty('rate')
      // 2 TAO over 10 records (two of them error lines), each about one row of a [8, 64] batch.
      const gflop = (job.items * rated.flopsPerBatch) / BATCH / 1e9
      expect(Number(rated.notes!.rate)).toBeCloseTo(2 / gflop, 2)
    } finally {
      await http.close()
    }
  })

  it('refuses requests without a token, uploads over the limits before reading them, and models that do not fit', async () => {
    const validator = await harness.startValidator({
      sections: { gemm: false },
      jobs: { limits: { maxUploadBytes: 4096, maxRecords: 3 } },
    })
    const { http, call } = await serveJobs(validator)
    try {
      expect((await call('jobs', {}, '')).status).toBe(401)
      expect((await call('jobs', {}, 'Bearer not-a-token-of-this-validator')).status).toBe(401)
      expect((await call('jobs')).status).toBe(200)
      const big = 'x'.repeat(5000)
      const tooBig = await call(`jobs?task=text-score&model=${MODEL_SHA}`, { method: 'POST', body: big })
      // The model is unknown: that is said first, before the body is read.
      expect(tooBig.status).toBe(400)
      expect((await call(`models/${MODEL_SHA}`, { method: 'PUT', body: MODEL })).status).toBe(200)
      const over = await call(`jobs?task=text-score&model=${MODEL_SHA}`, { method: 'POST', body: big })
      expect(over.status).toBe(413)
      const many = Array.from({ length: 4 }, (_, i) =>
        JSON.stringify({ custom_id: `${i}`, body: { text: 'ab' } }),
      )
      const tooMany = await call(`jobs?task=text-score&model=${MODEL_SHA}`, {
        method: 'POST',
        body: many.join('\n'),
      })
      expect(tooMany.status).toBe(413)
      // A model that does not load, and one whose bytes are not its name.
      const junk = new TextEncoder().encode('not an onnx model')
      const junkSha = bytesToHex(sha256(junk))
      const refused = await call(`models/${junkSha}`, { method: 'PUT', body: junk })
      expect(refused.status).toBe(422)
      expect((await refused.json()).error).toMatch(/cannot load/)
      expect(
        (await call(`models/${MODEL_SHA.replace(/^./, '0')}`, { method: 'PUT', body: MODEL })).status,
      ).toBe(422)
      // The MLP has no tokens input: text-score refuses it at submission with the reason.
      const mlp = new Uint8Array(readFileSync(join(REPO_ROOT, 'models', 'mlp-16x64x64x10.onnx')))
      const mlpSha = bytesToHex(sha256(mlp))
      expect((await call(`models/${mlpSha}`, { method: 'PUT', body: mlp })).status).toBe(200)
      const unfit = await call(`jobs?task=text-score&model=${mlpSha}`, { method: 'POST', body: many[0] })
      expect(unfit.status).toBe(422)
      expect((await unfit.json()).error).toMatch(/tokens/)
      expect((await call('jobs?task=nope&model=x', { method: 'POST', body: '' })).status).toBe(400)
      // Cancel, and a cancelled job stays cancelled.
      const job = await submitTextScore(call, many.slice(0, 2).join('\n'))
      expect((await call(`jobs/${job.id}`, { method: 'DELETE' })).status).toBe(200)
      expect((await call(`jobs/${job.id}/resume`, { method: 'POST' })).status).toBe(409)
      expect((await (await call(`jobs/${job.id}`)).json()).state).toBe('cancelled')
      expect((await call(`jobs/${job.id}/manifest`)).status).toBe(409)
    } finally {
      await http.close()
    }
  })

  it('a contributor returning plausible wrong outputs gets none of them into the results', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false }, strikeLimit: 1 })
    const { http, call } = await serveJobs(validator)
    try {
      const job = await submitTextScore(call, dataset(4))
      const cheat = await harness.contributorNode(validator)
      // Right names, shapes and dtypes; every logit nudged.
      const tamper = (outputs: NamedTensor[]) =>
        outputs.map((t) => ({ ...t, data: (t.data as Float32Array).map((v) => v + 0.5 * Math.sin(v)) }))
      await harness.contribute(
        cheat,
        (events) => events.some((e) => e.type === 'refused' && e.reason === 'banned'),
        {
          tamper,
        },
      )
      expect((await validator.ledger.jobs.progress(job.id)).delivered).toBe(2)
      const honest = await harness.contributorNode(validator)
      await contributeUntilDone(harness, validator, honest, job.id)
      const lines = await jobResults(call, job.id)
      const contributors = new Set(lines.flatMap((l) => l.response?.contributors ?? []))
      expect(contributors).toEqual(new Set([honest.peerId.toString()]))
    } finally {
      await http.close()
    }
  })
})
