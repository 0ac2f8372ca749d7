/**
 * `infer` work end to end: the validator `npm start` runs, with the example subnet config (the
 * generated MLP and Silero VAD), and the page in Chromium contributing shards of both models; then a
 * dishonest Node contributor over the same WebSocket listener, whose perturbed outputs are rejected.
 */
import '../src/validator/polyfills.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { expect, test } from '@playwright/test'
import { createContributor } from '../src/client/contributor.ts'
import { createCpuEngine } from '../src/gpu/cpu-engine.ts'
import { createServerNode } from '../src/p2p/node-server.ts'
import { tampering } from '../src/testing/test-support.ts'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import type { NamedTensor } from '../src/work/kind.ts'
import { createNodeOnnx } from '../src/work/onnx-node.ts'

let validator: ValidatorProcess
test.beforeAll(async () => {
  validator = await startValidatorProcess(['--models', 'subnet.example.json'])
})
test.afterAll(async () => {
  await validator?.stop()
})

const MODELS = [
  '1bc90f2701a7da792f2202a6667d7653e22360d49b92d6c3818f351c6f4a79df',
  '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f',
]
const status = async () => (await fetch(new URL('api/status', validator.url))).json()

// The automatic engine here is wasm (the only adapter is SwiftShader). ORT's WebGPU EP is covered by
// `npm run bench -- infer`, not here: on SwiftShader it intermittently fails its buffer downloads.
for (const query of ['']) {
  test('the page runs shards of both models, they are accepted, and a second visit downloads no wasm or model', async ({
    page,
  }) => {
    const before = (await status()).ledger
    // Bytes of ONNX Runtime's wasm on the wire (compressed as served), the compute worker's fetches
    // included: the second visit must fetch none.
    let wasmBytes = 0
    page.on('requestfinished', async (req) => {
      if (!/\.wasm(\?|$)/.test(req.url())) return
      wasmBytes += (await req.sizes().catch(() => undefined))?.responseBodySize ?? 0
    })
    await page.goto(validator.url + query)
    await page.getByTestId('start').click()
    await expect
      .poll(
        async () => {
          const { ledger } = await status()
          const grew = (model: string) =>
            (ledger.byOffer[`infer.${model}`] ?? 0) - (before.byOffer[`infer.${model}`] ?? 0)
          return Math.min(grew('1bc90f27'), grew('2623a295'))
        },
        { timeout: 150_000 },
      )
      .toBeGreaterThanOrEqual(2)
    await page.getByTestId('stop').click()
    await expect(page.getByTestId('status')).toContainText('Stopped')
    expect((await status()).ledger.rejected).toBe(before.rejected)
    expect(Number(await page.getByTestId('rejected').textContent())).toBe(0)

    // After a reload the models come from the browser's cache: the validator sends no model bytes.
    // (gemm runs too, and its wider tiles may reach weight panels the page has not fetched yet.)
    const modelBytes = async () => {
      const { blobBytesByBlob } = await status()
      return MODELS.reduce((sum, sha) => sum + (blobBytesByBlob[sha] ?? 0), 0)
    }
    const served = await modelBytes()
    expect(served).toBeGreaterThan(0)
    const accepted = (await status()).ledger.byKind.infer
    expect(wasmBytes).toBeGreaterThan(1e6)
    wasmBytes = 0
    await page.reload()
    await page.getByTestId('start').click()
    await expect
      .poll(async () => (await status()).ledger.byKind.infer, { timeout: 120_000 })
      .toBeGreaterThan(accepted + 2)
    await page.getByTestId('stop').click()
    expect(await modelBytes()).toBe(served)
    expect(wasmBytes).toBe(0)
  })
}

test('a dishonest contributor perturbing model outputs is caught by recomputation and ends with no credit', async () => {
  const { multiaddrs } = await (await fetch(new URL('api/bootstrap', validator.url))).json()
  const node = await createServerNode({ listen: [] })
  try {
    await node.dial(multiaddr(multiaddrs[0]))
    const tamper = (outputs: NamedTensor[]) =>
      outputs.map((t) => ({ ...t, data: (t.data as Float32Array).map((v) => -v + 0.5) }))
    const events: string[] = []
    const contributor = createContributor({
      node,
      netuid: 1,
      runtimes: { engine: createCpuEngine(), onnx: tampering(createNodeOnnx(), tamper) },
      onEvent: (e) => {
        if (e.type === 'rejected') events.push(`rejected:${e.rejection.reason}`)
        if (e.type === 'refused') events.push(`refused:${e.reason}`)
      },
    })
    contributor.start()
    // The audit (its first results) or a sampled recompute catches it: caught once, it is refused for
    // the rest of the epoch and its epoch's credit is voided.
    await expect.poll(() => events.includes('refused:banned'), { timeout: 150_000 }).toBe(true)
    await contributor.stop()
    expect(
      events.filter((e) => e.startsWith('rejected:')).every((e) => /verification-failed|banned/.test(e)),
    ).toBe(true)
    const me = await (await fetch(new URL(`api/contributors/${node.peerId}`, validator.url))).json()
    expect(me.rejected).toBeGreaterThanOrEqual(1)
    expect(me.credit).toBe(0)
  } finally {
    await node.stop()
  }
})
