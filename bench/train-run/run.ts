/**
 * `npm run bench -- train-run [--seconds 240] [--modes gradient,local] [--contributors 2]
 * [--browsers 0] [--steps 0]`: the
 * validator `npm start` runs, with the default training run (docs/TRAINING.md) in each mode in turn,
 * and Node contributors over WebSockets on loopback whose products run on onnxruntime-node (or, with
 * `--browsers n`, n Chromium pages of the built site pressing Start; `--steps` ends the run). Per mode:
 * held-out loss against wall-clock and step (the curve is drawn into docs/img/train-loss.svg), bytes
 * per shard on the wire against the raw f32 vector, verified shards per second, the validator's CPU
 * seconds per verified shard and per recomputed shard; then text sampled from the final model of
 * the first mode. Writes bench/results/train-run.json.
 */
import '../../src/validator/polyfills.ts'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { chromium } from '@playwright/test'
import { CHROMIUM_PATH, WEBGPU_ARGS } from '../../e2e/chromium.ts'
import { createContributor } from '../../src/client/contributor.ts'
import { createServerNode } from '../../src/p2p/node-server.ts'
import { startValidatorProcess } from '../../src/testing/validator-process.ts'
import { createOnnxEngine } from '../../src/work/onnx-engine.ts'
import { createNodeOnnx } from '../../src/work/onnx-node.ts'
import { flatWeights } from '../../src/work/train/checkpoint.ts'
import { parameterLayout } from '../../src/work/train/model.ts'
import { sample } from '../../src/work/train/sample.ts'

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    seconds: { type: 'string', default: '240' },
    modes: { type: 'string', default: 'gradient,local' },
    contributors: { type: 'string', default: '2' },
    /** Chromium pages instead of Node contributors (the site must be built: npm run build). */
    browsers: { type: 'string', default: '0' },
    steps: { type: 'string', default: '0' },
  },
})
const root = join(import.meta.dirname, '..', '..')
const seconds = Number(values.seconds)

const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

interface Point {
  step: number
  heldOutLoss: number
  at: number
}

async function runMode(mode: 'gradient' | 'local') {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-train-run-'))
  const subnet = join(dir, 'subnet.json')
  writeFileSync(
    subnet,
    JSON.stringify({ kinds: { gemm: false, train: { mode, evalEvery: 5, maxSteps: Number(values.steps) } } }),
  )
  const validator = await startValidatorProcess(['--subnet', subnet, '--verify-threads', '1'])
  const status = async () => (await fetch(new URL('api/status', validator.url))).json()
  const bootstrap = await (await fetch(new URL('api/bootstrap', validator.url))).json()
  const ws = (bootstrap.multiaddrs as string[]).find((a) => a.includes('/ws'))!
  const stops: Array<() => Promise<void>> = []
  const started = Date.now()
  const cpu0 = cpuSeconds(validator.pid)
  const browsers = Number(values.browsers)
  if (browsers > 0) {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS })
    for (let i = 0; i < browsers; i++) {
      const page = await (await browser.newContext()).newPage()
      await page.goto(validator.url)
      await page.getByTestId('start').click()
    }
    stops.push(() => browser.close())
  }
  for (let i = 0; i < (browsers > 0 ? 0 : Number(values.contributors)); i++) {
    const node = await createServerNode({ listen: [] })
    await node.dial(multiaddr(ws))
    const onnx = createNodeOnnx()
    const contributor = createContributor({
      node,
      netuid: 1,
      runtimes: { engine: createOnnxEngine(onnx) },
      lanes: 2,
    })
    contributor.start()
    stops.push(async () => {
      await contributor.stop()
      await node.stop()
      await onnx.close()
    })
  }
  await new Promise((r) => setTimeout(r, seconds * 1000))
  const cpu = cpuSeconds(validator.pid) - cpu0
  const wallS = (Date.now() - started) / 1000
  for (const stop of stops) await stop()
  const s = await status()
  const train = s.sources.train
  const { model } = train
  const params = parameterLayout(model).size
  const accepted = s.ledger.accepted as number
  const weights = new Uint8Array(
    await (await fetch(new URL(`blobs/${train.weights}`, validator.url))).arrayBuffer(),
  )
  await validator.stop()
  const curve = (train.history as Point[]).map((p) => ({
    step: p.step,
    heldOutLoss: p.heldOutLoss,
    seconds: Math.max(0, (p.at - started) / 1000),
  }))
  return {
    mode,
    model,
    parameters: params,
    wallSeconds: Math.round(wallS),
    steps: train.step,
    acceptedShards: accepted,
    verifiedShardsPerSecond: accepted / wallS,
    recomputed: train.recomputed,
    canaries: train.canaries,
    bytesPerShard: s.wire.resultBytes / Math.max(1, accepted),
    rawBytesPerShard: params * 4,
    validatorCpuSeconds: cpu,
    validatorCpuSecondsPerShard: cpu / Math.max(1, accepted),
    curve,
    weights,
  }
}

function chart(
  runs: Array<{ mode: string; curve: Array<{ seconds: number; heldOutLoss: number }> }>,
  who: string,
): string {
  const W = 640
  const H = 360
  const pad = 48
  const maxX = Math.max(1, ...runs.flatMap((r) => r.curve.map((p) => p.seconds)))
  const losses = runs.flatMap((r) => r.curve.map((p) => p.heldOutLoss))
  const hi = Math.ceil(Math.max(...losses))
  const lo = Math.floor(Math.min(...losses))
  const x = (s: number) => pad + ((W - 2 * pad) * s) / maxX
  const y = (l: number) => pad + ((H - 2 * pad) * (hi - l)) / Math.max(1e-6, hi - lo)
  const colors = ['#1f6feb', '#d9480f']
  const lines = runs.map(
    (r, i) =>
      `<polyline fill="none" stroke="${colors[i % 2]}" stroke-width="2" points="${r.curve.map((p) => `${x(p.seconds).toFixed(1)},${y(p.heldOutLoss).toFixed(1)}`).join(' ')}"/>` +
      `<text x="${W - pad}" y="${pad + 16 * i}" text-anchor="end" fill="${colors[i % 2]}" font-size="13">${r.mode === 'local' ? 'low-communication (local steps)' : 'data parallel (gradients)'}</text>`,
  )
  const ticks = []
  for (let l = lo; l <= hi; l += 0.5) {
    ticks.push(`<text x="${pad - 6}" y="${y(l) + 4}" text-anchor="end" font-size="11">${l.toFixed(1)}</text>`)
    ticks.push(`<line x1="${pad}" x2="${W - pad}" y1="${y(l)}" y2="${y(l)}" stroke="#e4e8ee"/>`)
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" role="img" aria-labelledby="title">
<title id="title">Held-out loss against wall-clock seconds, Tessera training run (${who})</title>
<rect width="${W}" height="${H}" fill="#fff"/>
${ticks.join('\n')}
<text x="${W / 2}" y="${H - 10}" text-anchor="middle" font-size="12">seconds (${who}, this machine)</text>
<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle" font-size="12">held-out loss, nats per byte</text>
<text x="${pad}" y="${H - 28}" font-size="11">0</text><text x="${W - pad}" y="${H - 28}" text-anchor="end" font-size="11">${Math.round(maxX)}</text>
${lines.join('\n')}
</svg>
`
}

const runs = []
for (const mode of values.modes.split(',') as Array<'gradient' | 'local'>) {
  console.log(`training in ${mode} mode for ${seconds} s…`)
  const r = await runMode(mode)
  console.log(
    `  ${r.steps} steps, ${r.acceptedShards} shards, held-out ${r.curve.at(-1)?.heldOutLoss.toFixed(3)}, ${(r.bytesPerShard / 1e6).toFixed(2)} MB/shard (raw ${(r.rawBytesPerShard / 1e6).toFixed(2)}), validator ${r.validatorCpuSecondsPerShard.toFixed(3)} CPU s/shard`,
  )
  runs.push(r)
}
const first = runs[0]
const text = new TextDecoder().decode(
  sample(first.model, flatWeights(first.weights, first.model), new TextEncoder().encode('\n'), {
    length: 400,
    temperature: 0.8,
    seed: 7,
  }),
)
console.log(`\nsample (${first.mode}, step ${first.steps}):\n${text}`)
mkdirSync(join(root, 'docs', 'img'), { recursive: true })
const who =
  Number(values.browsers) > 0
    ? `${values.browsers} Chromium pages`
    : `${values.contributors} Node contributors`
const image = Number(values.browsers) > 0 ? 'train-loss-browsers.svg' : 'train-loss.svg'
writeFileSync(join(root, 'docs', 'img', image), chart(runs, who))
const out = {
  benchmark: 'train-run',
  date: new Date().toISOString(),
  contributors: Number(values.contributors),
  runs: runs.map(({ weights: _w, ...r }) => r),
  sample: { mode: first.mode, step: first.steps, text },
}
const result = Number(values.browsers) > 0 ? 'train-run-browsers.json' : 'train-run.json'
writeFileSync(join(root, 'bench', 'results', result), `${JSON.stringify(out, null, 2)}\n`)
console.log(`\nwrote bench/results/${result} and docs/img/${image}`)
process.exit(0)
