/**
 * Makes models/train-base.safetensors, the base model fine-tuning starts from: Tessera's own pre-training,
 * i.e. a validator offering the `train` kind (2 layers, width 64, 4 heads, context 64, data parallel)
 * and two Node contributors over libp2p (their products on onnxruntime-node), for `--steps` steps
 * on tiny Shakespeare's training split. Writes the final version's weights blob as it was served.
 *
 *   node --import tsx scripts/pretrain-base.ts [--steps 300] [--out models/train-base.safetensors]
 */
import '../src/validator/polyfills.ts'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createHarness, REPO_ROOT } from '../src/testing/test-support.ts'
import { createOnnxEngine } from '../src/work/onnx-engine.ts'
import { createNodeOnnx } from '../src/work/onnx-node.ts'

export const BASE_RUN = {
  layers: 2,
  width: 64,
  heads: 4,
  context: 64,
  sequences: 8,
  microBatch: 8,
  shardsPerStep: 2,
  lr: 3e-3,
  evalEvery: 25,
  evalSequences: 64,
}

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' },
    out: { type: 'string', default: 'models/train-base.safetensors' },
  },
})
const steps = Number(values.steps)
const harness = createHarness()
const validator = await harness.startValidator({
  sections: { gemm: false, train: { ...BASE_RUN, maxSteps: steps } },
  verifyThreads: 1,
})
const status = async () => (await validator.status()).sources.train
let done = false
const runs = [0, 1].map(async () => {
  const node = await harness.contributorNode(validator)
  const onnx = createNodeOnnx()
  return harness.contribute(node, () => done, { runtimes: { engine: createOnnxEngine(onnx) }, lanes: 1 })
})
const started = Date.now()
while (!done) {
  await new Promise((r) => setTimeout(r, 2000))
  const s = await status()
  done = (s.step as number) >= steps
  process.stdout.write(
    `\rstep ${s.step}, held-out ${s.heldOutLoss}, ${Math.round((Date.now() - started) / 1000)} s   `,
  )
}
await Promise.all(runs)
const final = await status()
const bytes = await validator.blobs.read(
  final.weights as string,
  0,
  validator.blobs.size(final.weights as string)!,
)
writeFileSync(join(REPO_ROOT, values.out), bytes)
console.log(
  `\nwrote ${values.out}: step ${final.step}, held-out loss ${final.heldOutLoss}, sha256 ${final.weights}`,
)
await harness.cleanup()
process.exit(0)
