/**
 * Text from a model: byte by byte, with a key/value cache so each new byte costs one token's
 * forward pass (about two FLOPs per parameter) instead of the whole context's. Plain TypeScript on
 * the model's flat weights, the same maths as model.ref.ts; the page samples the current version
 * with it.
 */
import { geluRef } from '../../gpu/kernels/elementwise.ref.ts'
import { gemmRef } from '../../gpu/kernels/gemm.ref.ts'
import { layerNormRef } from '../../gpu/kernels/layernorm.ref.ts'
import { createPrng } from '../prng.ts'
import { type ModelConfig, parameterLayout, view } from './model.ts'

export interface Decoder {
  /** Feeds one byte at the next position; returns the logits for the byte after it. */
  push(byte: number): Float32Array
  /** Bytes in the cache (at most the context). */
  readonly length: number
}

export function createDecoder(c: ModelConfig, weights: Float32Array): Decoder {
  const layout = parameterLayout(c)
  const p = (name: string) => view(weights, layout.byName.get(name)!)
  const d = c.width
  const hd = d / c.heads
  // One row: the kernels' references with m = 1.
  const norm = (x: Float32Array, prefix: string) =>
    layerNormRef(x, p(`${prefix}.g`), p(`${prefix}.b`), 1, d).y
  const times = (x: Float32Array, name: string, n: number) => gemmRef(x, p(name), 1, n, x.length)
  const keys = Array.from({ length: c.layers }, () => new Float32Array(c.context * d))
  const values = Array.from({ length: c.layers }, () => new Float32Array(c.context * d))
  let t = 0
  return {
    get length() {
      return t
    },
    push(byte) {
      if (t >= c.context) throw new RangeError('the context is full: start a new decoder')
      const x = Float32Array.from(
        p('wte').subarray(byte * d, (byte + 1) * d),
        (v, j) => v + p('wpe')[t * d + j],
      )
      for (let l = 0; l < c.layers; l++) {
        const qkv = times(norm(x, `h${l}.ln1`), `h${l}.attn.qkv`, 3 * d)
        keys[l].set(qkv.subarray(d, 2 * d), t * d)
        values[l].set(qkv.subarray(2 * d), t * d)
        const att = new Float32Array(d)
        for (let h = 0; h < c.heads; h++) {
          const scores = new Float64Array(t + 1)
          let max = Number.NEGATIVE_INFINITY
          for (let u = 0; u <= t; u++) {
            let dot = 0
            for (let i = 0; i < hd; i++) dot += qkv[h * hd + i] * keys[l][u * d + h * hd + i]
            scores[u] = dot / Math.sqrt(hd)
            max = Math.max(max, scores[u])
          }
          let sum = 0
          for (let u = 0; u <= t; u++) sum += scores[u] = Math.exp(scores[u] - max)
          for (let u = 0; u <= t; u++) {
            for (let i = 0; i < hd; i++) att[h * hd + i] += (scores[u] / sum) * values[l][u * d + h * hd + i]
          }
        }
        const proj = times(att, `h${l}.attn.proj`, d)
        for (let j = 0; j < d; j++) x[j] += proj[j]
        const hidden = times(norm(x, `h${l}.ln2`), `h${l}.mlp.fc`, 4 * d).map(geluRef)
        const out = times(hidden, `h${l}.mlp.proj`, d)
        for (let j = 0; j < d; j++) x[j] += out[j]
      }
      t++
      return times(norm(x, 'lnf'), 'head', c.vocab)
    },
  }
}

export interface SampleOptions {
  /** Bytes to generate. */
  length: number
  /** Softmax temperature; 0 takes the most likely byte. */
  temperature?: number
  seed?: number
}

/**
 * Continues `prompt` (bytes) by `length` bytes. When the context fills, the decoder restarts on the
 * last half of it, so any length works at the cost of a re-read every context/2 bytes.
 */
export function sample(
  c: ModelConfig,
  weights: Float32Array,
  prompt: Uint8Array,
  o: SampleOptions,
): Uint8Array {
  const random = createPrng(o.seed ?? 1)
  const temperature = o.temperature ?? 0.8
  const text = [...(prompt.length > 0 ? prompt : Uint8Array.of(10))]
  const keep = Math.max(1, c.context >> 1)
  let decoder = createDecoder(c, weights)
  let logits: Float32Array = new Float32Array(c.vocab)
  const feed = (bytes: number[]) => {
    decoder = createDecoder(c, weights)
    for (const b of bytes) logits = decoder.push(b)
  }
  feed(text.slice(-c.context))
  const start = text.length
  while (text.length < start + o.length) {
    let next = 0
    if (temperature === 0) {
      for (let j = 1; j < logits.length; j++) if (logits[j] > logits[next]) next = j
    } else {
      const max = Math.max(...logits)
      const weightsOf = Array.from(logits, (v) => Math.exp((v - max) / temperature))
      let r = random() * weightsOf.reduce((a, b) => a + b, 0)
      while (next < weightsOf.length - 1) {
        r -= weightsOf[next]
        if (r <= 0) break
        next++
      }
    }
    text.push(next)
    if (decoder.length >= c.context) feed(text.slice(-keep))
    else logits = decoder.push(next)
  }
  return Uint8Array.from(text.slice(start))
}
