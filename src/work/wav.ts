/** Minimal RIFF/WAVE PCM16 reading (mixed to mono) and writing: `infer` work's audio inputs and the audio-segments job task. */

export interface Wav {
  rate: number
  /** Mono samples in [-1, 1]; multi-channel input is mixed down. */
  samples: Float32Array
}

/** The bytes are not a PCM16 WAV file. */
export class InvalidWavError extends Error {
  static override name = 'InvalidWavError'
  override name = 'InvalidWavError'
}

export function decodeWav(bytes: Uint8Array): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4))
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    throw new InvalidWavError('not a RIFF/WAVE file')
  let at = 12
  let rate = 0
  let channels = 0
  let bits = 0
  while (at + 8 <= bytes.byteLength) {
    const id = tag(at)
    // espeak-ng writes 0xffffffff as the data size when streaming to stdout: take the rest of the file.
    let size = view.getUint32(at + 4, true)
    if (id === 'data' && (size === 0xffffffff || at + 8 + size > bytes.byteLength))
      size = bytes.byteLength - at - 8
    if (id === 'fmt ') {
      if (view.getUint16(at + 8, true) !== 1) throw new InvalidWavError('only PCM WAV is supported')
      channels = view.getUint16(at + 10, true)
      rate = view.getUint32(at + 12, true)
      bits = view.getUint16(at + 22, true)
    } else if (id === 'data') {
      if (bits !== 16 || channels < 1) throw new InvalidWavError('only 16-bit PCM is supported')
      const frames = Math.floor(size / (2 * channels))
      const samples = new Float32Array(frames)
      for (let i = 0; i < frames; i++) {
        let s = 0
        for (let c = 0; c < channels; c++) s += view.getInt16(at + 8 + 2 * (i * channels + c), true)
        samples[i] = s / channels / 32768
      }
      return { rate, samples }
    }
    at += 8 + size + (size & 1)
  }
  throw new InvalidWavError('no data chunk')
}

export function encodeWav(samples: Float32Array, rate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2)
  const view = new DataView(out.buffer)
  const text = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i)
  }
  text(0, 'RIFF')
  view.setUint32(4, 36 + samples.length * 2, true)
  text(8, 'WAVE')
  text(12, 'fmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, 1, true)
  view.setUint16(22, 1, true)
  view.setUint32(24, rate, true)
  view.setUint32(28, rate * 2, true)
  view.setUint16(32, 2, true)
  view.setUint16(34, 16, true)
  text(36, 'data')
  view.setUint32(40, samples.length * 2, true)
  for (let i = 0; i < samples.length; i++)
    view.setInt16(44 + 2 * i, Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), true)
  return out
}
