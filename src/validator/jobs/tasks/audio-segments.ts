/**
 * `audio-segments`: a WAV file (16-bit PCM, any rate, any length; mixed to mono, resampled to 16 kHz)
 * → speech segments with start and end times and a probability, from Silero VAD v5 (the model the
 * project ships through @ricky0123/vad-web: `input` [rows, 512], `state` [2, rows, 128], `sr` →
 * `output` [rows, 1], `stateN`).
 *
 * Silero is recurrent: each 32 ms frame's probability depends on the state the frames before left.
 * One model run per frame would make a few minutes of audio thousands of round trips, so the audio
 * is cut into ROWS windows run side by side as the rows of one batch, each window's state starting
 * from zero WARM frames before it (frames whose probabilities are dropped). A record takes
 * span + WARM steps, span = max(MIN_SPAN, frames / ROWS) frames. The probabilities are turned into
 * segments as vad-web does it: speech starts at a frame ≥ 0.5, ends after REDEMPTION frames in a row
 * under 0.35, and segments shorter than MIN_SPEECH frames are dropped.
 */
import { readFileSync } from 'node:fs'
import type { NamedTensor } from '../../../work/kind.ts'
import { decodeWav, InvalidWavError } from '../../../work/wav.ts'
import type { ModelInfo } from '../models.ts'
import type { Task } from './index.ts'
import { RecordError } from './text-score.ts'

export const RATE = 16_000
export const FRAME = 512
/** Windows one batch runs side by side (a fixed batch: the outputs' form never changes). */
export const ROWS = 64
const MIN_SPAN = 64
const WARM = 64
const STATE = 128
const [POSITIVE, NEGATIVE, REDEMPTION, MIN_SPEECH] = [0.5, 0.35, 8, 4]
/** Silero v5's cost of one frame, as the subnet example declares it. */
const FLOPS_PER_FRAME = 2_000_000

export interface Segment {
  start_s: number
  end_s: number
  probability: number
}

export interface AudioState {
  samples: Float32Array
  frames: number
  span: number
  step: number
  steps: number
  /** [2, ROWS, STATE]: each window's recurrent state. */
  state: Float32Array
  /** Each frame's speech probability, as its window reaches it. */
  probs: Float32Array
}

/** 16 kHz mono samples of a WAV's bytes, linearly resampled when recorded at another rate. */
export function samplesOf(bytes: Uint8Array): Float32Array {
  const { rate, samples } = decodeWav(bytes)
  if (rate === RATE) return samples
  const out = new Float32Array(Math.floor((samples.length * RATE) / rate))
  for (let i = 0; i < out.length; i++) {
    const at = (i * rate) / RATE
    const j = Math.floor(at)
    const next = samples[Math.min(j + 1, samples.length - 1)]
    out[i] = samples[j] + (next - samples[j]) * (at - j)
  }
  return out
}

export function startAudio(samples: Float32Array): AudioState {
  const frames = Math.ceil(samples.length / FRAME)
  if (frames < 1) throw new RecordError('too_short', 'the WAV holds no samples')
  const span = Math.max(MIN_SPAN, Math.ceil(frames / ROWS))
  const windows = Math.ceil(frames / span)
  return {
    samples,
    frames,
    span,
    step: 0,
    steps: Math.min(span, frames) + (windows > 1 ? WARM : 0),
    state: new Float32Array(2 * ROWS * STATE),
    probs: new Float32Array(frames),
  }
}

/** Window w's first frame, the frame its state starts from, and the frame after its last. */
function windowOf(s: AudioState, w: number) {
  const first = w * s.span
  return { first, from: Math.max(0, first - WARM), to: Math.min(first + s.span, s.frames) }
}

/** The batch of the state's next step: each window's next frame (zeros past its end). */
export function audioInputs(s: AudioState): NamedTensor[] {
  const input = new Float32Array(ROWS * FRAME)
  for (let w = 0; w < ROWS; w++) {
    const { from, to } = windowOf(s, w)
    const f = from + s.step
    if (f >= to) continue
    input.set(s.samples.subarray(f * FRAME, Math.min((f + 1) * FRAME, s.samples.length)), w * FRAME)
  }
  return [
    { name: 'input', dtype: 'float32', shape: [ROWS, FRAME], data: input },
    { name: 'state', dtype: 'float32', shape: [2, ROWS, STATE], data: s.state },
    { name: 'sr', dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(RATE)) },
  ]
}

/** The step's outputs applied: each window's probability for its frame, and its new state. */
export function audioAdvance(s: AudioState, outputs: NamedTensor[]): AudioState {
  const output = outputs.find((t) => t.name === 'output')?.data as Float32Array | undefined
  const stateN = outputs.find((t) => t.name === 'stateN')?.data as Float32Array | undefined
  if (output?.length !== ROWS || stateN?.length !== 2 * ROWS * STATE)
    throw new RangeError('the model gave no output [64, 1] and stateN [2, 64, 128]')
  const probs = s.probs.slice()
  for (let w = 0; w < ROWS; w++) {
    const { first, from, to } = windowOf(s, w)
    const f = from + s.step
    if (f >= first && f < to) probs[f] = output[w]
  }
  return { ...s, step: s.step + 1, state: Float32Array.from(stateN), probs }
}

/** Speech segments of a run of frame probabilities (vad-web's rule: see the module comment). */
export function segmentsOf(probs: Float32Array): Segment[] {
  const seconds = (frame: number) => Math.round((frame * FRAME * 1000) / RATE) / 1000
  const segments: Segment[] = []
  let start = -1
  let quiet = 0
  const close = (end: number) => {
    if (end - start >= MIN_SPEECH) {
      let sum = 0
      for (let f = start; f < end; f++) sum += probs[f]
      const probability = Math.round((sum / (end - start)) * 1e4) / 1e4
      segments.push({ start_s: seconds(start), end_s: seconds(end), probability })
    }
    start = -1
  }
  for (let f = 0; f < probs.length; f++) {
    const p = probs[f]
    if (start < 0) {
      if (p >= POSITIVE) [start, quiet] = [f, 0]
      continue
    }
    if (p >= POSITIVE) quiet = 0
    else if (p < NEGATIVE && ++quiet >= REDEMPTION) close(f - quiet + 1)
  }
  if (start >= 0) close(probs.length - quiet)
  return segments
}

const fileOf = (body: unknown): string => {
  const sha = (body as { wav?: unknown } | null)?.wav
  if (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha))
    throw new RecordError(
      'invalid_body',
      'body.wav must be the sha256 of an uploaded WAV (PUT /api/files/<sha256>)',
    )
  return sha
}

const NEEDS = { inputs: ['input', 'state', 'sr'], outputs: ['output', 'stateN'] }

export const audioSegmentsTask: Task<AudioState> = {
  name: 'audio-segments',
  doing: 'Finding speech',
  // A record's audio and probabilities are held while it runs: a few at a time.
  window: 8,
  unfit(model: ModelInfo) {
    const inputs = model.inputs.map((i) => i.name)
    if (
      NEEDS.inputs.every((n) => inputs.includes(n)) &&
      NEEDS.outputs.every((n) => model.outputs.includes(n))
    )
      return undefined
    return `audio-segments runs Silero VAD v5 (inputs input, state, sr; outputs output, stateN): this model takes ${inputs.join(', ')}`
  },
  flopsPerBatch: () => ROWS * FLOPS_PER_FRAME,
  check(body, _model, { files }) {
    const sha = fileOf(body)
    if (!files.has(sha)) throw new RecordError('unknown_file', `no uploaded file ${sha}`)
  },
  start(body, _model, { files }) {
    const sha = fileOf(body)
    if (!files.has(sha)) throw new RecordError('unknown_file', `no uploaded file ${sha}`)
    try {
      return startAudio(samplesOf(new Uint8Array(readFileSync(files.path(sha)))))
    } catch (err) {
      if (err instanceof InvalidWavError) throw new RecordError('invalid_wav', err.message)
      throw err
    }
  },
  stack: () => undefined,
  inputs: (state) => [audioInputs(state)],
  advance(state, _model, [outputs]) {
    const next = audioAdvance(state, outputs)
    if (next.step < next.steps) return { done: false, state: next }
    return {
      done: true,
      result: { segments: segmentsOf(next.probs), duration_s: next.samples.length / RATE },
    }
  },
}
