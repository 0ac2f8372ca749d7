/**
 * A training job: a requester uploads a corpus and a train config, contributors train a model of its
 * own beside whatever the subnet trains, and the job's result is the final checkpoint, its ONNX
 * export (a model the text jobs take) and the held-out curve.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { afterEach, describe, expect, it } from 'vitest'
import { contributeUntilDone, jobResults, serveJobs } from '../../testing/jobs-support.ts'
import { createHarness, FINE_TUNE_TRAIN, REPO_ROOT, SMALL_TRAIN } from '../../testing/test-support.ts'
import { createNodeOnnx } from '../../work/onnx-node.ts'
import { decodeWeights } from '../../work/train/checkpoint.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

const CORPUS = new Uint8Array(
  readFileSync(join(REPO_ROOT, 'corpora', 'tinyshakespeare.txt')).subarray(0, 200_000),
)
const sha = (bytes: Uint8Array) => bytesToHex(sha256(bytes))

describe('training jobs', () => {
  it('trains a model of its own on an uploaded corpus and hands back its checkpoint, ONNX export and curve', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      expect((await call(`files/${sha(CORPUS)}`, { method: 'PUT', body: CORPUS })).status).toBe(200)
      const config = { ...SMALL_TRAIN, maxSteps: 10 }
      const res = await call(`jobs?task=train&corpus=${sha(CORPUS)}`, {
        method: 'POST',
        body: JSON.stringify(config),
      })
      expect(res.status).toBe(201)
      const job = await res.json()
      expect(job).toMatchObject({ task: 'train', items: 1, state: 'running' })
      const bad = await (
        await call(`jobs?task=train&corpus=${sha(CORPUS)}`, {
          method: 'POST',
          body: JSON.stringify({ layers: 0 }),
        })
      ).json()
      const node = await harness.contributorNode(validator)
      // While it runs, the job says which step its run is at, of how many.
      const seen: Array<{ step: number; max_steps: number }> = []
      const watch = setInterval(async () => {
        const view = await (await call(`jobs/${job.id}`)).json()
        if (view.train != null) seen.push(view.train)
      }, 100)
      await contributeUntilDone(harness, validator, node, job.id, { lanes: 1 })
      clearInterval(watch)
      expect(seen.length).toBeGreaterThan(0)
      expect(seen.every((p) => p.max_steps === 10 && p.step >= 1 && p.step <= 10)).toBe(true)

      const [line] = await jobResults(call, job.id)
      expect(line.custom_id).toBe('checkpoint')
      expect(line.response.contributors).toEqual([node.peerId.toString()])
      const { checkpoint, onnx, steps, held_out } = line.response.body
      expect(steps).toBe(10)
      expect(held_out[0]).toMatchObject({ step: 0 })
      expect(held_out.at(-1).step).toBe(10)
      expect(held_out.at(-1).loss).toBeLessThan(held_out[0].loss)
      const weights = new Uint8Array(await (await call(`files/${checkpoint}`)).arrayBuffer())
      expect(sha(weights)).toBe(checkpoint)
      expect(decodeWeights(weights).meta.model).toMatchObject({ layers: 2, width: 32, context: 32 })
      // The export is a model the validator's jobs take (it loads in onnxruntime-node), and it runs.
      const model = new Uint8Array(await (await call(`files/${onnx}`)).arrayBuffer())
      expect((await call(`models/${onnx}`, { method: 'PUT', body: model })).status).toBe(200)
      const runner = createNodeOnnx()
      try {
        const [logits] = await runner.run(onnx, async () => model, [
          { name: 'tokens', dtype: 'int64', shape: [8, 32], data: new BigInt64Array(8 * 32) },
        ])
        expect(logits.shape).toEqual([8, 32, 256])
      } finally {
        await runner.close()
      }

      // A config the train kind refuses ends its job with the reason (the offers' round opens runs).
      for (let i = 0; i < 100 && (await validator.ledger.jobs.get(bad.id))?.state !== 'done'; i++)
        await new Promise((r) => setTimeout(r, 50))
      const [failed] = await jobResults(call, bad.id)
      expect(failed.error).toMatchObject({ code: 'train_failed' })
      expect(failed.error.message).toMatch(/layers/)
    } finally {
      await http.close()
    }
  }, 300_000)

  it('fine-tunes an uploaded checkpoint with adapters, and hands back the merged model', async () => {
    const validator = await harness.startValidator({ sections: { gemm: false } })
    const { http, call } = await serveJobs(validator)
    try {
      const base = new Uint8Array(readFileSync(join(REPO_ROOT, 'models', 'train-base.safetensors')))
      for (const file of [CORPUS, base])
        expect((await call(`files/${sha(file)}`, { method: 'PUT', body: file })).status).toBe(200)
      const { init: _, ...config } = { ...FINE_TUNE_TRAIN, maxSteps: 4, evalEvery: 2, evalSequences: 16 }
      const res = await call(`jobs?task=train&corpus=${sha(CORPUS)}&init=${sha(base)}`, {
        method: 'POST',
        body: JSON.stringify(config),
      })
      expect(res.status).toBe(201)
      const job = await res.json()
      await contributeUntilDone(harness, validator, await harness.contributorNode(validator), job.id, {
        lanes: 1,
      })
      const [line] = await jobResults(call, job.id)
      const { checkpoint, held_out } = line.response.body
      // It starts from the base model, far below ln 256 = 5.55 nats per byte.
      expect(held_out[0].loss).toBeLessThan(3)
      const weights = decodeWeights(new Uint8Array(await (await call(`files/${checkpoint}`)).arrayBuffer()))
      // The full model's parameters, adapters merged in: as many tensors as the base has.
      expect(weights.tensors.map((t) => t.name)).toEqual(decodeWeights(base).tensors.map((t) => t.name))
    } finally {
      await http.close()
    }
  }, 300_000)
})
