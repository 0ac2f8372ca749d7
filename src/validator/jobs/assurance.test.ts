/**
 * Delivered results must be right, not merely credited (docs/JOBS.md, "How results are verified"):
 * a job computed by a mix of honest and cheating contributors delivers only right records, at a
 * compute cost this test measures.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BATCH,
  type Call,
  CONTEXT,
  contributeUntilDone,
  jobResults,
  scoreTexts,
  serveJobs,
  submitTextScore,
} from '../../testing/jobs-support.ts'
import { createHarness, REPO_ROOT } from '../../testing/test-support.ts'
import { infer } from '../../work/infer/index.ts'
import type { NamedTensor } from '../../work/kind.ts'
import { createNodeOnnx } from '../../work/onnx-node.ts'
import type { Validator } from '../validator.ts'
import { createAssurance } from './assurance.ts'
import { chunksOf } from './tasks/text-score.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

/** `count` lines of Tiny Shakespeare's tail, as text-score records. */
function texts(count: number): string[] {
  const lines = readFileSync(join(REPO_ROOT, 'corpora', 'tinyshakespeare.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 20)
  return lines.slice(-count)
}
const jsonl = (records: string[]) =>
  records.map((text, i) => JSON.stringify({ custom_id: `r${i}`, body: { text } })).join('\n')

/** Plausible wrong outputs: the right names, shapes and dtypes, every value moved the same way. */
const nudge =
  (by: number) =>
  (outputs: NamedTensor[]): NamedTensor[] =>
    outputs.map((t) => ({ ...t, data: (t.data as Float32Array).map((v) => v + by * (1 + Math.sin(v))) }))

/** Every delivered record against the test's own score of it; the wrong ones' custom ids. */
async function wrongRecords(call: Call, jobId: string, records: string[]) {
  const lines = await jobResults(call, jobId)
  expect(lines.map((l) => l.custom_id)).toEqual(records.map((_, i) => `r${i}`))
  const onnx = createNodeOnnx()
  try {
    const wants = await scoreTexts(onnx, records)
    return {
      lines,
      wrong: lines
        .filter(
          (l, i) =>
            l.error != null || Math.abs(l.response.body.nats_per_byte - wants[i].nats_per_byte) > 1e-4,
        )
        .map((l) => l.custom_id as string),
    }
  } finally {
    await onnx.close()
  }
}

const batchesGranted = (runs: Array<Awaited<ReturnType<typeof harness.contribute>>>) =>
  runs
    .flatMap((r) => r.events)
    .flatMap((e) => (e.type === 'leased' ? [infer.grant.decode(e.grant.payload).batches.length] : []))
    .reduce((a, b) => a + b, 0)

const jobCounters = async (validator: Validator) =>
  (await validator.status()).sources.infer as { jobBatchesRecomputed: number; jobBatchesAdaptive: number }

describe('job results are verified before they are delivered', () => {
  it('a newcomer is always recomputed, an established contributor at the check rate, a caught one always', () => {
    let draw = 0.5
    const assurance = createAssurance({ trustItems: 10, checkRate: 0.2, random: () => draw })
    expect(assurance.plan('a', false)).toBe('recompute')
    assurance.passed('a', 9)
    expect(assurance.plan('a', false)).toBe('recompute')
    assurance.passed('a', 1)
    expect(assurance.plan('a', false)).toBe('adaptive')
    expect(assurance.plan('a', true)).toBe('recompute')
    draw = 0.1
    expect(assurance.plan('a', false)).toBe('recompute')
    draw = 0.5
    expect(assurance.catch('a')).toBe(true)
    expect(assurance.catch('a')).toBe(false)
    assurance.passed('a', 1000)
    expect(assurance.plan('a', false)).toBe('recompute')
  })

  it('an established contributor’s results are taken on its word unless the requester asked for every one recomputed', async () => {
    const validator = await harness.startValidator({
      sections: { gemm: false },
      auditSamples: 0,
      jobs: { assurance: { trustItems: 0, checkRate: 0 } },
    })
    const { http, call } = await serveJobs(validator)
    try {
      const records = texts(40)
      const bogus = await call('jobs?task=text-score&model=x&verify=never', { method: 'POST', body: '' })
      expect([bogus.status, await bogus.json()]).toEqual([
        400,
        { error: 'verify is adaptive or recompute, not never' },
      ])
      const node = await harness.contributorNode(validator)
      const checked = await submitTextScore(call, jsonl(records), '&verify=recompute')
      await contributeUntilDone(harness, validator, node, checked.id)
      const taken = await submitTextScore(call, jsonl(records))
      await contributeUntilDone(harness, validator, node, taken.id)
      const how = async (id: string) =>
        new Set((await wrongRecords(call, id, records)).lines.map((l) => l.response.verified_by))
      expect(await how(checked.id)).toEqual(new Set(['recompute']))
      // The model's first shard is recomputed whatever the plan: its outputs' form is learnt from it.
      expect(await how(taken.id)).toContain('adaptive')
    } finally {
      await http.close()
    }
  }, 300_000)

  it('with a third of the contributors colluding on wrong outputs, a 5,000-record job delivers no wrong record', async () => {
    const records = texts(5000)
    const validator = await harness.startValidator({ sections: { gemm: false }, strikeLimit: 1 })
    const { http, call } = await serveJobs(validator)
    try {
      const job = await submitTextScore(call, jsonl(records))
      const nodes = await Promise.all(Array.from({ length: 6 }, () => harness.contributorNode(validator)))
      // Two of six: a colluding pair handing in the same wrong outputs.
      const runs = await Promise.all(
        nodes.map((node, i) =>
          contributeUntilDone(harness, validator, node, job.id, i < 2 ? { tamper: nudge(0.3) } : {}),
        ),
      )
      const { lines, wrong } = await wrongRecords(call, job.id, records)
      expect(wrong).toEqual([])
      const cheats = new Set(nodes.slice(0, 2).map((n) => n.peerId.toString()))
      expect(lines.filter((l) => l.response.contributors.some((p: string) => cheats.has(p)))).toEqual([])
      const how = new Set(lines.map((l) => l.response.verified_by))
      expect(how).toEqual(new Set(['recompute', 'adaptive']))

      // Total compute: every batch the contributors were granted, cheats' included, and every batch
      // the validator recomputed, over the batches one honest run needs.
      const honestRun = Math.ceil(
        records.flatMap((t) => chunksOf(new TextEncoder().encode(t), CONTEXT)).length / BATCH,
      )
      const { jobBatchesRecomputed } = await jobCounters(validator)
      const ratio = (batchesGranted(runs) + jobBatchesRecomputed) / honestRun
      console.log(`5,000 records, 2 of 6 contributors cheating: ${ratio.toFixed(2)}x one honest run`)
      expect(ratio).toBeLessThanOrEqual(1.5)
    } finally {
      await http.close()
    }
  }, 600_000)

  it('a contributor caught after it earned trust has every record resting on its word computed again', async () => {
    let wrongSent = 0
    let draws = 0
    // The draw is the test's: the sleeper's first three results after it turns are taken on its word,
    // its fourth is checked.
    const random = () => (wrongSent > 0 && ++draws > 3 ? 0 : 0.99)
    const validator = await harness.startValidator({
      sections: { gemm: false },
      strikeLimit: 1,
      // The credit audit (audit.ts) would recompute some of these results whatever the job's draw.
      auditSamples: 0,
      jobs: { assurance: { trustItems: 16, checkRate: 0.5, random } },
    })
    const { http, call } = await serveJobs(validator)
    try {
      const records = texts(400)
      const job = await submitTextScore(call, jsonl(records))
      const [honest, sleeper] = await Promise.all([
        harness.contributorNode(validator),
        harness.contributorNode(validator),
      ])
      let batches = 0
      const sleeperRun = harness.contribute(
        sleeper,
        (events) => events.some((e) => e.type === 'refused' && e.reason === 'banned'),
        {
          tamper: (outputs) => {
            if (++batches <= 8) return outputs
            wrongSent++
            return nudge(0.3)(outputs)
          },
        },
      )
      await sleeperRun
      expect(validator.jobs!.work.stats().withdrawn).toBeGreaterThan(0)
      await contributeUntilDone(harness, validator, honest, job.id)
      const { lines, wrong } = await wrongRecords(call, job.id, records)
      expect(wrong).toEqual([])
      const sleeperId = sleeper.peerId.toString()
      expect(
        lines.filter(
          (l) => l.response.contributors.includes(sleeperId) && l.response.verified_by === 'adaptive',
        ),
      ).toEqual([])
    } finally {
      await http.close()
    }
  }, 300_000)
})
