/**
 * In-page half of `npm run bench -- train`: training tokens per second of one contributor, for the
 * default model (4 layers, 4 heads, width 128, context 64, vocabulary 256) and a batch of 12
 * sequences, on each engine Tessera has here — the WGSL model on WebGPU, the CPU reference with its
 * products on ONNX Runtime's wasm GEMM (what a page without a usable GPU runs), and the plain
 * TypeScript reference — and the same shape and batch trained by @genai-fi/nanogpt (nanoGPT on
 * TensorFlow.js) on each of its backends. A step is forward, backward and an AdamW update; tokens per
 * step = batch × context. Tiny Shakespeare is the text for both.
 */

import corpusUrl from '../../corpora/tinyshakespeare.txt?url'
import { acquireGpu } from '../../src/gpu/device.ts'
import { adamwRef } from '../../src/gpu/kernels/adamw.ref.ts'
import { createRuntime } from '../../src/gpu/runtime.ts'
import { createWasmEngine } from '../../src/gpu/wasm-engine.ts'
import { batchAt, drawOffsets, splitOf } from '../../src/work/train/corpus.ts'
import { createGpuModel } from '../../src/work/train/model.gpu.ts'
import { engineMatmul, lossAndGradientRef, type Matmul, refMatmul } from '../../src/work/train/model.ref.ts'
import { DEFAULT_MODEL, initialWeights } from '../../src/work/train/model.ts'
import { params, runBenchmark, say } from '../page.ts'

interface Row {
  impl: string
  backend: string
  tokensPerSecond: number
  msPerStep: number
  steps: number
  batch: number
  firstLoss?: number
  lastLoss?: number
}

const batch = Number(params.get('batch') ?? 12)
const steps = Number(params.get('runs') ?? 3)
const only = params.get('impls')?.split(',')
const model = DEFAULT_MODEL
const tokensPerStep = batch * model.context
const opt = { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 }

async function corpus(): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(corpusUrl)).arrayBuffer())
}

function batches(text: Uint8Array, n: number) {
  const { train } = splitOf(text.length)
  return Array.from({ length: n }, (_, i) =>
    batchAt(text, drawOffsets(i + 1, batch, train, model.context), model.context),
  )
}

async function timeSteps(
  step: (i: number) => Promise<number>,
): Promise<Pick<Row, 'tokensPerSecond' | 'msPerStep' | 'steps' | 'firstLoss' | 'lastLoss'>> {
  // One warm-up step: shader compilation, wasm compile, JIT.
  const firstLoss = await step(0)
  const t = performance.now()
  let lastLoss = firstLoss
  for (let i = 1; i <= steps; i++) lastLoss = await step(i)
  const msPerStep = (performance.now() - t) / steps
  return { tokensPerSecond: (tokensPerStep * 1000) / msPerStep, msPerStep, steps, firstLoss, lastLoss }
}

async function tesseraCpu(text: Uint8Array, mm: Matmul) {
  const w = initialWeights(model, 1)
  const m = new Float32Array(w.length)
  const v = new Float32Array(w.length)
  const data = batches(text, steps + 1)
  return timeSteps(async (i) => {
    const r = await lossAndGradientRef(model, w, data[i], mm)
    adamwRef(w, r.gradient, m, v, { ...opt, step: i + 1 })
    return r.loss
  })
}

async function tesseraGpu(text: Uint8Array) {
  const rt = createRuntime(await acquireGpu())
  const gpu = createGpuModel(rt, model)
  gpu.load('bench', initialWeights(model, 1))
  const data = batches(text, steps + 1)
  try {
    return await timeSteps((i) => gpu.trainStep(data[i], { ...opt, step: i + 1 }))
  } finally {
    gpu.destroy()
    rt.destroy()
  }
}

async function nanogpt(text: Uint8Array, backend: 'webgpu' | 'webgl' | 'cpu') {
  const { TeachableLLM, data } = await import('@genai-fi/nanogpt')
  await TeachableLLM.selectBackend(backend)
  const llm = TeachableLLM.create('char', {
    modelType: 'GenAI_NanoGPT_v1',
    useRope: false,
    vocabSize: 128,
    blockSize: model.context,
    nLayer: model.layers,
    nHead: model.heads,
    nEmbed: model.width,
    mlpFactor: 4,
  } as never)
  await new Promise<void>((resolve) => {
    const check = () =>
      llm.status === 'warmup' || llm.status === 'loading' ? setTimeout(check, 100) : resolve()
    check()
  })
  // A .txt File: a bare Blob is taken for a document archive.
  const stream = await data.loadTextData(
    new File([text.slice(0, 200_000) as Uint8Array<ArrayBuffer>], 'tinyshakespeare.txt', {
      type: 'text/plain',
    }),
  )
  await llm.trainTokeniser([stream])
  const times: number[] = []
  const losses: number[] = []
  try {
    const job = await llm.training.job(
      {
        method: { type: 'pretraining' },
        batchSize: batch,
        learningRate: 1e-3,
        warmupSteps: 0,
        logInterval: 1,
      } as never,
      [stream],
      [{ id: 'tinyshakespeare', name: 'tinyshakespeare.txt', conversational: false }],
    )
    await new Promise<void>((resolve, reject) => {
      llm.training.on('progress', (j) => {
        if (j.id !== job.id) return
        times.push(performance.now())
        const entry = j.history?.at(-1)
        if (entry) losses.push(entry.trainingMetrics.loss)
        say(`  nanogpt ${backend}: step ${times.length}, loss ${entry?.trainingMetrics.loss.toFixed(3)}`)
        if (times.length >= steps + 1) {
          llm.training.cancel(job.id)
          resolve()
        }
      })
      llm.training.on('error', (_id, err) => reject(err))
    })
  } finally {
    // A model left registered makes the next backend's model clash with its variable names.
    llm.dispose()
  }
  const msPerStep = (times.at(-1)! - times[0]) / (times.length - 1)
  return {
    tokensPerSecond: (tokensPerStep * 1000) / msPerStep,
    msPerStep,
    steps,
    firstLoss: losses[0],
    lastLoss: losses.at(-1),
  }
}

async function main() {
  const info = (await navigator.gpu?.requestAdapter())?.info
  const adapter = info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'none'
  say(`adapter: ${adapter}; cross-origin isolated: ${crossOriginIsolated}; batch ${batch} x ${model.context}`)
  const text = await corpus()
  const rows: Row[] = []
  const runs: Array<[string, string, () => Promise<Omit<Row, 'impl' | 'backend' | 'batch'>>]> = [
    ['tessera', 'wasm', () => tesseraCpu(text, engineMatmul(createWasmEngine()))],
    ['tessera', 'webgpu', () => tesseraGpu(text)],
    ['tessera', 'cpu-ref', () => tesseraCpu(text, refMatmul)],
    ['nanogpt', 'webgl', () => nanogpt(text, 'webgl')],
    ['nanogpt', 'cpu', () => nanogpt(text, 'cpu')],
    ['nanogpt', 'webgpu', () => nanogpt(text, 'webgpu')],
  ]
  for (const [impl, backend, run] of runs) {
    if (only != null && !only.includes(`${impl}-${backend}`)) continue
    say(`${impl} ${backend}…`)
    try {
      const r = await run()
      rows.push({ impl, backend, batch, ...r })
      say(
        `${impl} ${backend}: ${r.tokensPerSecond.toFixed(0)} tokens/s (${r.msPerStep.toFixed(0)} ms per step)`,
      )
    } catch (err) {
      say(`${impl} ${backend} failed: ${(err as Error).message}`)
    }
  }
  return { adapter, crossOriginIsolated, model, rows }
}

runBenchmark(main)
