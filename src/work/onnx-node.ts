/**
 * ONNX models on the CPU with onnxruntime-node: the reference `infer` results are checked against,
 * and the runtime of Node contributors. One session per model, runs queued (a session runs one
 * batch at a time). Node only: the browser bundle never reaches this file.
 */
import * as ort from 'onnxruntime-node'
import type { NamedTensor, OnnxRunner } from './kind.ts'

export interface NodeOnnx extends OnnxRunner {
  close(): Promise<void>
}

/** onnxruntime-node never settles a run on a SharedArrayBuffer view: such inputs are copied. */
function owned<T extends Float32Array | BigInt64Array>(data: T): T {
  return data.buffer instanceof SharedArrayBuffer ? (data.slice() as T) : data
}

export function createNodeOnnx(): NodeOnnx {
  const sessions = new Map<string, Promise<ort.InferenceSession>>()
  let queue: Promise<unknown> = Promise.resolve()

  const session = (model: string, load: () => Promise<Uint8Array>) => {
    let s = sessions.get(model)
    if (s == null) {
      s = load().then((bytes) =>
        ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 }),
      )
      sessions.set(model, s)
      s.catch(() => sessions.delete(model))
    }
    return s
  }

  return {
    run(model, load, inputs) {
      const job = queue.then(async () => {
        const s = await session(model, load)
        const feeds = Object.fromEntries(
          inputs.map((t) => [t.name, new ort.Tensor(t.dtype, owned(t.data), t.shape)]),
        )
        const out = await s.run(feeds)
        return Object.entries(out).map(
          ([name, t]): NamedTensor => ({
            name,
            dtype: t.type === 'int64' ? 'int64' : 'float32',
            shape: [...t.dims],
            data: t.data as Float32Array | BigInt64Array,
          }),
        )
      })
      queue = job.catch(() => {})
      return job
    },
    async close() {
      for (const s of sessions.values()) await (await s.catch(() => undefined))?.release()
      sessions.clear()
    },
  }
}
