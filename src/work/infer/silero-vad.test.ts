/**
 * A real third-party pretrained model as `infer` work: Silero VAD v5 (shipped in @ricky0123/vad-web),
 * run through the onnxruntime-node runtime the validator recomputes with on real synthesised speech
 * (fixtures/speech-16k.wav: 1 s silence, speech, 1 s silence; see scripts/make-speech-fixture.ts).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createNodeOnnx } from '../onnx-node.ts'
import { decodeWav } from '../wav.ts'

const require = createRequire(import.meta.url)
const MODEL = join(require.resolve('@ricky0123/vad-web/package.json'), '..', 'dist', 'silero_vad_v5.onnx')
const FRAME = 512

describe('Silero VAD v5 on real speech', () => {
  it('scores speech frames high and silence low', async () => {
    const { rate, samples } = decodeWav(
      new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'speech-16k.wav'))),
    )
    expect(rate).toBe(16_000)
    const onnx = createNodeOnnx()
    const model = new Uint8Array(readFileSync(MODEL))
    let state: Float32Array = new Float32Array(2 * 128)
    const probs: number[] = []
    for (let at = 0; at + FRAME <= samples.length; at += FRAME) {
      const out = await onnx.run('vad', async () => model, [
        { name: 'input', dtype: 'float32', shape: [1, FRAME], data: samples.slice(at, at + FRAME) },
        { name: 'state', dtype: 'float32', shape: [2, 1, 128], data: state },
        { name: 'sr', dtype: 'int64', shape: [], data: BigInt64Array.of(16_000n) },
      ])
      const byName = Object.fromEntries(out.map((t) => [t.name, t.data as Float32Array]))
      probs.push(byName.output[0])
      state = byName.stateN
    }
    await onnx.close()
    const seconds = (i: number) => (i * FRAME) / rate
    const silence = probs.filter(
      (_, i) => seconds(i) < 0.9 || seconds(i) > (samples.length - 0.8 * rate) / rate,
    )
    const speech = probs.filter(
      (_, i) => seconds(i) > 1.3 && seconds(i) < (samples.length - 1.3 * rate) / rate,
    )
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
    expect(Math.max(...silence)).toBeLessThan(0.3)
    expect(mean(speech)).toBeGreaterThan(0.6)
    expect(speech.filter((p) => p > 0.5).length / speech.length).toBeGreaterThan(0.7)
  })
})
