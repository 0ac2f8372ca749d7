/**
 * In-page half of `npm run bench -- gemm`: times f32 GEMM (C = A·B, N x N) for Tessera's WGSL kernels,
 * tfjs-webgpu's matMul, and ONNX Runtime Web's WebGPU and wasm execution providers on a one-MatMul
 * model, on the same adapter in the same page. Each timed run goes from host arrays to a host result,
 * as a shard does. GFLOP/s = 2·N³ / median time of the timed runs, after a warm-up.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-webgpu'
import * as ort from 'onnxruntime-web/webgpu'
import { acquireGpu } from '../../src/gpu/device.ts'
import { fitsDevice, GEMM_VARIANTS, type GemmVariant, gemm, variantKey } from '../../src/gpu/kernels/gemm.ts'
import { matmulModel } from '../../src/gpu/ort/onnx-model.ts'
import { createRuntime } from '../../src/gpu/runtime.ts'
import { params, runBenchmark, say, uniform } from '../page.ts'

interface Row {
  impl: string
  n: number
  gflops: number
  medianMs: number
  runs: number
  adapter: string
  detail?: string
}

const sizes = (params.get('sizes') ?? '256,512,1024').split(',').map(Number)
const runs = Number(params.get('runs') ?? 7)
const only = params.get('impls')?.split(',')

async function time(fn: () => Promise<unknown>, count: number): Promise<number> {
  await fn() // warm-up: compiles pipelines, allocates
  const ms: number[] = []
  for (let i = 0; i < count; i++) {
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  ms.sort((a, b) => a - b)
  return ms[Math.floor(ms.length / 2)]
}

async function main(): Promise<{ rows: Row[]; adapter: Record<string, unknown> }> {
  const gpu = await acquireGpu()
  const rt = createRuntime(gpu)
  const s = gpu.summary
  const adapter = `${s.vendor} ${s.architecture} ${s.description}`.trim()
  say(`adapter: ${adapter}${s.isFallback ? ' (software fallback)' : ''}; features: ${s.features.join(' ')}`)
  const rows: Row[] = []
  const record = (impl: string, n: number, medianMs: number, detail?: string) => {
    const gflops = (2 * n ** 3) / (medianMs * 1e6)
    rows.push({ impl, n, gflops, medianMs, runs, adapter, detail })
    say(
      `${impl.padEnd(16)} n=${String(n).padEnd(5)} ${gflops.toFixed(2).padStart(8)} GFLOP/s  (${medianMs.toFixed(1)} ms${detail ? `, ${detail}` : ''})`,
    )
  }
  const want = (impl: string) => only == null || only.includes(impl)

  await tf.setBackend('webgpu')
  await tf.ready()
  const threads = Number(params.get('threads') ?? 0)
  ort.env.wasm.numThreads = threads || (crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1)
  say(`ort: ${ort.env.wasm.numThreads} wasm thread(s), crossOriginIsolated=${crossOriginIsolated}`)
  const model = matmulModel()
  const ortWebGpu = want('ort-webgpu')
    ? await ort.InferenceSession.create(model, { executionProviders: ['webgpu'] })
    : undefined
  const ortWasm = want('ort-wasm')
    ? await ort.InferenceSession.create(model, { executionProviders: ['wasm'] })
    : undefined

  for (const n of sizes) {
    const a = uniform(n * n, 1)
    const b = uniform(n * n, 2)

    if (want('tessera')) {
      // Tune for this size: each candidate gets one warm-up and one timed run, the best gets `runs`.
      let best: { v: GemmVariant; ms: number } | undefined
      const once = (v: GemmVariant) => async () => {
        const [ta, tb] = [rt.tensor([n, n], a), rt.tensor([n, n], b)]
        const c = gemm(rt, ta, tb, { variant: v })
        await rt.read(c)
        for (const t of [ta, tb, c]) rt.release(t)
      }
      for (const v of GEMM_VARIANTS.filter((x) => fitsDevice(rt, x))) {
        const ms = await time(once(v), 1)
        if (best == null || ms < best.ms) best = { v, ms }
      }
      record('tessera', n, await time(once(best!.v), runs), variantKey(best!.v))
      const errors = rt.takeErrors()
      if (errors.length > 0) throw new Error(`WebGPU errors: ${errors.join('; ')}`)
    }
    if (want('tfjs-webgpu')) {
      const ta = tf.tensor2d(a, [n, n])
      const tb = tf.tensor2d(b, [n, n])
      record(
        'tfjs-webgpu',
        n,
        await time(async () => {
          const c = tf.matMul(ta, tb)
          await c.data()
          c.dispose()
        }, runs),
      )
      ta.dispose()
      tb.dispose()
    }
    for (const [impl, session] of [
      ['ort-webgpu', ortWebGpu],
      ['ort-wasm', ortWasm],
    ] as const) {
      if (session == null) continue
      const feeds = { A: new ort.Tensor('float32', a, [n, n]), B: new ort.Tensor('float32', b, [n, n]) }
      record(
        impl,
        n,
        await time(async () => {
          const out = await session.run(feeds)
          await out.Y.getData()
          out.Y.dispose()
        }, runs),
        impl === 'ort-wasm' ? `${ort.env.wasm.numThreads} thread(s)` : undefined,
      )
    }
  }
  return { rows, adapter: { ...s, crossOriginIsolated } }
}

runBenchmark(main)
