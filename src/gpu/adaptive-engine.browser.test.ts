import { describe, expect, it } from 'vitest'
import { createAdaptiveEngine, type EngineChoiceReport } from './adaptive-engine.ts'
import { acquireGpu } from './device.ts'
import type { MatmulEngine } from './engine.ts'
import { gemmRef } from './kernels/gemm.ref.ts'
import { createWasmEngine } from './wasm-engine.ts'
import { createWebGpuEngine } from './webgpu-engine.ts'

// On SwiftShader, ONNX Runtime's wasm GEMM is several times faster than any WGSL kernel: whichever
// engine starts, the comparison on real shards must end on wasm. The real margin alone flipped once
// on a loaded CI machine (a burst of load during the one trial slice), so the WebGPU engine is also
// made ten times slower than it measures itself: the engines still compute every shard for real,
// and "slower" is a fact the test controls, not a race it hopes to win.
const [M, N, K] = [128, 256, 512]
const a = Float32Array.from({ length: M * K }, (_, i) => ((i * 7) % 13) / 13)
const b = Float32Array.from({ length: K * N }, (_, i) => ((i * 5) % 11) / 11 - 0.3)
const expected = gemmRef(a, b, M, N, K)

const HANDICAP = 10

/** The same engine, its every shard taking `factor` times as long as the engine itself took. */
function slowed(engine: MatmulEngine, factor: number): MatmulEngine {
  return {
    name: engine.name,
    description: engine.description,
    async matmul(a, b, m, n, k) {
      const started = performance.now()
      const c = await engine.matmul(a, b, m, n, k)
      const took = performance.now() - started
      await new Promise((resolve) => setTimeout(resolve, took * (factor - 1)))
      return c
    },
    destroy: () => engine.destroy(),
  }
}

async function runShards(first: 'wasm' | 'webgpu', shards: number) {
  const gpu = await acquireGpu()
  const wasm = () => Promise.resolve(createWasmEngine())
  const webgpu = async () => slowed(await createWebGpuEngine(gpu), HANDICAP)
  let choice: EngineChoiceReport | undefined
  let choiceAt: number | undefined
  const engine = createAdaptiveEngine({
    first: first === 'wasm' ? await wasm() : await webgpu(),
    second: first === 'wasm' ? webgpu : wasm,
    warmupShards: 2,
    onChoice: (c) => {
      choice = c
      choiceAt = used.length + 1
    },
  })
  const used: string[] = []
  // The second engine loads while the first keeps working; run until the trial is over and beyond.
  const until = performance.now() + 60_000
  for (
    let i = 0;
    i < shards || (choice == null && performance.now() < until) || used.length < (choiceAt ?? 0) + 2;
    i++
  ) {
    const c = await engine.matmul(a, b, M, N, K)
    used.push(engine.name)
    // As the contributor's lanes do between shards: WebGPU's callbacks (the second engine's
    // autotuner) are tasks, which back-to-back wasm runs would starve.
    await new Promise((resolve) => setTimeout(resolve, 0))
    let worst = 0
    for (let j = 0; j < c.length; j++) worst = Math.max(worst, Math.abs(c[j] - expected[j]))
    expect(worst).toBeLessThan(1e-3)
  }
  engine.destroy()
  return { choice, used }
}

describe('the automatic engine', () => {
  it('keeps the faster engine when the second one tried is slower', async () => {
    const { choice, used } = await runShards('wasm', 6)
    expect(choice?.error).toBeUndefined()
    expect(choice?.chosen).toBe('wasm')
    expect(choice!.rates.wasm).toBeGreaterThan(choice!.rates.webgpu)
    expect(used.at(-1)).toBe('wasm')
  }, 120_000)

  it('switches to the second engine when it delivers more on the granted shards', async () => {
    const { choice, used } = await runShards('webgpu', 6)
    expect(choice?.chosen).toBe('wasm')
    expect(used.slice(0, 2)).toEqual(['webgpu', 'webgpu'])
    expect(used.at(-1)).toBe('wasm')
  }, 120_000)
})
