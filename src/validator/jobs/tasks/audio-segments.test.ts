import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SILERO, segmentAudio } from '../../../testing/jobs-support.ts'
import { createNodeOnnx } from '../../../work/onnx-node.ts'
import { decodeWav, encodeWav } from '../../../work/wav.ts'
import { FRAME, RATE, type Segment, samplesOf, segmentsOf } from './audio-segments.ts'

const SPEECH = readFileSync(join(import.meta.dirname, '../../../work/infer/fixtures/speech-16k.wav'))
const onnx = createNodeOnnx()
afterAll(() => onnx.close())

/** Silero the plain way: one frame after another, one state carried through the whole file. */
async function sequential(samples: Float32Array) {
  let state: Float32Array = new Float32Array(2 * 128)
  const probs = new Float32Array(Math.ceil(samples.length / FRAME))
  for (let f = 0; f < probs.length; f++) {
    const input = new Float32Array(FRAME)
    input.set(samples.subarray(f * FRAME, (f + 1) * FRAME))
    const out = await onnx.run('vad', async () => SILERO, [
      { name: 'input', dtype: 'float32', shape: [1, FRAME], data: input },
      { name: 'state', dtype: 'float32', shape: [2, 1, 128], data: state },
      { name: 'sr', dtype: 'int64', shape: [], data: BigInt64Array.of(16_000n) },
    ])
    const byName = Object.fromEntries(out.map((t) => [t.name, t.data as Float32Array]))
    probs[f] = byName.output[0]
    state = byName.stateN
  }
  return segmentsOf(probs)
}

/** The fixture (1 s silence, speech, 1 s silence) `times` over: a minute of audio for 8. */
function repeated(times: number): Float32Array {
  const { samples } = decodeWav(new Uint8Array(SPEECH))
  const out = new Float32Array(samples.length * times)
  for (let i = 0; i < times; i++) out.set(samples, i * samples.length)
  return out
}

/** Speech time both agree on over speech time either finds (intersection over union). */
function overlap(a: Segment[], b: Segment[]): number {
  const covered = (segments: Segment[], t: number) => segments.some((s) => s.start_s <= t && t < s.end_s)
  let [both, either] = [0, 0]
  for (let t = 0; t < 120; t += 0.01) {
    const [x, y] = [covered(a, t), covered(b, t)]
    both += Number(x && y)
    either += Number(x || y)
  }
  return both / either
}

describe('audio-segments', () => {
  it('turns frame probabilities into segments as vad-web does', () => {
    const p = (runs: Array<[number, number]>) => Float32Array.from(runs.flatMap(([v, n]) => Array(n).fill(v)))
    // 10 quiet, 20 speech, 3 dips under 0.35 (redeemed: fewer than 8), 10 speech, 20 quiet, 2 speech.
    const probs = p([
      [0.1, 10],
      [0.9, 20],
      [0.2, 3],
      [0.9, 10],
      [0.1, 20],
      [0.9, 2],
    ])
    const segments = segmentsOf(probs)
    expect(segments).toHaveLength(1)
    expect(segments[0].start_s).toBeCloseTo((10 * FRAME) / RATE, 3)
    expect(segments[0].end_s).toBeCloseTo((43 * FRAME) / RATE, 3)
    expect(segments[0].probability).toBeCloseTo((30 * 0.9 + 3 * 0.2) / 33, 3)
  })

  it('finds the speech of a minute of audio in windows run side by side, as one long run would', async () => {
    const samples = repeated(8)
    const segments = await segmentAudio(onnx, samples)
    // The fixture's speech, eight times, each a little over a second after its start.
    expect(segments.length).toBeGreaterThanOrEqual(8)
    const period = samples.length / 8 / RATE
    for (let i = 0; i < 8; i++)
      expect(segments.some((s) => Math.abs(s.start_s - (i * period + 1)) < 0.4)).toBe(true)
    // Windows start from a warmed-up state, not the whole past: the speech they find is the long
    // run's within a few pauses bridged or not (a pause near the 256 ms redemption splits either way).
    const agreed = overlap(segments, await sequential(samples))
    console.log(`speech overlap with one long run: ${agreed.toFixed(3)}`)
    expect(agreed).toBeGreaterThan(0.9)
  }, 120_000)

  it('reads WAVs at other rates and in stereo, resampled to 16 kHz mono', () => {
    const { samples } = decodeWav(new Uint8Array(SPEECH))
    const at8k = Float32Array.from({ length: samples.length / 2 }, (_, i) => samples[2 * i])
    const back = samplesOf(encodeWav(at8k, 8000))
    expect(Math.abs(back.length - samples.length)).toBeLessThanOrEqual(2)
    expect(() => samplesOf(new TextEncoder().encode('not a wav'))).toThrow(/RIFF/)
  })
})
