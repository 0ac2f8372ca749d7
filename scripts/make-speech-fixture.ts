/**
 * Makes src/work/infer/fixtures/speech-16k.wav: one second of silence, a spoken sentence synthesised
 * by espeak-ng (Debian package `espeak-ng`), one second of silence; mono, 16 kHz, 16-bit PCM, the
 * format Silero VAD expects. Run: node --import tsx scripts/make-speech-fixture.ts
 * The fixture is committed, so tests and CI do not need espeak-ng.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeWav, encodeWav } from '../src/work/wav.ts'

const RATE = 16_000
const raw = execFileSync('espeak-ng', [
  '--stdout',
  '-s',
  '150',
  'Tessera lends your graphics card to the network. Speech is detected here.',
])
const speech = decodeWav(new Uint8Array(raw))
// Linear resampling to 16 kHz is plenty for a voice-activity fixture.
const out = new Float32Array(Math.floor((speech.samples.length * RATE) / speech.rate))
for (let i = 0; i < out.length; i++) {
  const pos = (i * speech.rate) / RATE
  const j = Math.floor(pos)
  const f = pos - j
  out[i] = (speech.samples[j] ?? 0) * (1 - f) + (speech.samples[j + 1] ?? 0) * f
}
const silence = new Float32Array(RATE)
const all = new Float32Array(2 * RATE + out.length)
all.set(silence, 0)
all.set(out, RATE)
const file = join(import.meta.dirname, '..', 'src', 'work', 'infer', 'fixtures', 'speech-16k.wav')
writeFileSync(file, encodeWav(all, RATE))
console.log(
  `wrote ${file}: ${(all.length / RATE).toFixed(2)} s, speech from ${1}s to ${(1 + out.length / RATE).toFixed(2)}s`,
)
