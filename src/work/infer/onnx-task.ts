/**
 * ONNX recomputation on a validator worker thread (WorkerTask): onnxruntime-node runs a model on
 * the calling thread, which would stall every lease and result stream for the length of a batch.
 * Each worker keeps its own session per model; the model's bytes arrive as shared memory.
 */
import type { NamedTensor, OnnxRunner, TaskRunner } from '../kind.ts'
import { createNodeOnnx, type NodeOnnx } from '../onnx-node.ts'

const MODULE = new URL(import.meta.url).href
let local: NodeOnnx | undefined

/** Runs on the worker. */
export async function runModel(
  model: string,
  bytes: Uint8Array,
  inputs: NamedTensor[],
): Promise<NamedTensor[]> {
  local ??= createNodeOnnx()
  const outputs = await local.run(model, async () => bytes.slice(), inputs)
  // ORT owns its output buffers; copies can be transferred back.
  return outputs.map((t) => ({ ...t, data: t.data.slice() }) as NamedTensor)
}

/** An OnnxRunner whose runs happen on `workers`. */
export function createPooledOnnx(workers: TaskRunner): OnnxRunner {
  workers.preload(MODULE)
  const shared = new Map<string, Promise<Uint8Array>>()
  return {
    async run(model, load, inputs) {
      let bytes = shared.get(model)
      if (bytes == null) {
        bytes = load().then((b) => {
          const view = new Uint8Array(new SharedArrayBuffer(b.byteLength))
          view.set(b)
          return view
        })
        shared.set(model, bytes)
        bytes.catch(() => shared.delete(model))
      }
      // Inputs may view a larger message; structured clone would copy all of it.
      const own = inputs.map((t) => ({ ...t, data: t.data.slice() }) as NamedTensor)
      return workers.run<NamedTensor[]>(
        { module: MODULE, fn: 'runModel', args: [model, await bytes, own] },
        own.map((t) => t.data.buffer as ArrayBuffer),
      )
    },
  }
}
