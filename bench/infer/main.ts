/**
 * In-page half of `npm run bench -- infer`: shards per second and milliseconds per shard for each
 * `infer` model on ONNX Runtime Web's WebGPU EP and its wasm EP, on the same adapter. A shard is one
 * session.run from host tensors to host outputs: a 64-row batch for the generated MLP, one 512-sample
 * frame (with its recurrent state) for Silero VAD v5.
 */
import * as ort from 'onnxruntime-web/webgpu'
import { mlpModel } from '../../src/work/infer/mlp.ts'
import { params, runBenchmark, say, uniform } from '../page.ts'

interface Row {
  model: string
  ep: string
  msPerShard: number
  shardsPerSecond: number
  runs: number
  adapter: string
}

const runs = Number(params.get('runs') ?? 30)

async function main(): Promise<{ rows: Row[]; adapter: Record<string, unknown> }> {
  const gpuAdapter = await navigator.gpu?.requestAdapter()
  const info = gpuAdapter?.info
  const adapter = info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'none'
  say(`adapter: ${adapter}`)
  ort.env.wasm.numThreads = crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1
  const silero = new Uint8Array(await (await fetch('/models/silero_vad_v5.onnx')).arrayBuffer())
  const mlpSpec = { seed: 7, widths: [16, 64, 64, 10] }
  const models: Array<{ name: string; bytes: Uint8Array; feeds: () => Record<string, ort.Tensor> }> = [
    {
      name: 'mlp-16x64x64x10',
      bytes: mlpModel(mlpSpec),
      feeds: () => ({ x: new ort.Tensor('float32', uniform(64 * 16, 1), [64, 16]) }),
    },
    {
      name: 'silero-vad-v5',
      bytes: silero,
      feeds: () => ({
        input: new ort.Tensor('float32', uniform(512, 2), [1, 512]),
        state: new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]),
        sr: new ort.Tensor('int64', BigInt64Array.of(16_000n), []),
      }),
    },
  ]
  const rows: Row[] = []
  for (const model of models) {
    for (const ep of ['webgpu', 'wasm']) {
      const session = await ort.InferenceSession.create(model.bytes, { executionProviders: [ep] })
      const feeds = model.feeds()
      const run = async () => {
        const out = await session.run(feeds)
        for (const t of Object.values(out)) {
          await t.getData()
          t.dispose()
        }
      }
      await run()
      await run()
      const ms: number[] = []
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now()
        await run()
        ms.push(performance.now() - t0)
      }
      ms.sort((a, b) => a - b)
      const median = ms[Math.floor(ms.length / 2)]
      rows.push({ model: model.name, ep, msPerShard: median, shardsPerSecond: 1000 / median, runs, adapter })
      say(
        `${model.name.padEnd(18)} ${ep.padEnd(7)} ${median.toFixed(2).padStart(8)} ms/shard ${(1000 / median).toFixed(1).padStart(8)} shards/s`,
      )
      await session.release()
    }
  }
  return { rows, adapter: { adapter, crossOriginIsolated, wasmThreads: ort.env.wasm.numThreads } }
}

runBenchmark(main)
