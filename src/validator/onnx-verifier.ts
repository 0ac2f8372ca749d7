/**
 * Recomputes `infer` results on the validator's CPU with onnxruntime-node and compares them within
 * the documented tolerance (src/work/infer/tolerance.ts). Only a sampled fraction of results is
 * recomputed; every result of a peer under suspicion is. One session per model, runs queued.
 */
import * as ort from 'onnxruntime-node'
import { type Comparison, compareAll } from '../work/infer/tolerance.ts'

export interface InferTensor {
  name: string
  dims: number[]
  data: Float32Array | BigInt64Array
}

export interface OnnxVerifier {
  /** Runs the model on `inputs` and returns its outputs by name. */
  recompute(modelKey: string, inputs: InferTensor[]): Promise<Record<string, Float32Array>>
  /** Compares claimed outputs with a recomputation; every named output must match. */
  check(modelKey: string, inputs: InferTensor[], outputs: Record<string, Float32Array>): Promise<Comparison>
  /** Whether this result should be recomputed: always for suspects, else with probability `sampleRate`. */
  shouldRecompute(suspect: boolean): boolean
  close(): Promise<void>
}

export interface OnnxVerifierOptions {
  /** Model bytes by key (the model's sha256). */
  models: Map<string, Uint8Array>
  sampleRate?: number
  random?: () => number
}

export function createOnnxVerifier(options: OnnxVerifierOptions): OnnxVerifier {
  const sessions = new Map<string, Promise<ort.InferenceSession>>()
  let queue: Promise<unknown> = Promise.resolve()
  const sampleRate = options.sampleRate ?? 0.25
  const random = options.random ?? (() => crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32)

  const session = (key: string) => {
    let s = sessions.get(key)
    if (s == null) {
      const model = options.models.get(key)
      if (model == null) throw new Error(`no model ${key}`)
      s = ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1 })
      sessions.set(key, s)
    }
    return s
  }

  const recompute: OnnxVerifier['recompute'] = (key, inputs) => {
    const job = queue.then(async () => {
      const s = await session(key)
      const feeds = Object.fromEntries(
        inputs.map((t) => [
          t.name,
          new ort.Tensor(t.data instanceof BigInt64Array ? 'int64' : 'float32', t.data, t.dims),
        ]),
      )
      const out = await s.run(feeds)
      return Object.fromEntries(
        Object.entries(out).map(([name, tensor]) => [name, tensor.data as Float32Array]),
      )
    })
    queue = job.catch(() => {})
    return job
  }

  return {
    recompute,
    check: async (key, inputs, outputs) => compareAll(outputs, await recompute(key, inputs)),
    shouldRecompute: (suspect) => suspect || random() < sampleRate,
    async close() {
      for (const s of sessions.values()) await (await s).release()
      sessions.clear()
    },
  }
}
