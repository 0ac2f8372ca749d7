/**
 * Exports a Tessera weights file (a training run's version, e.g. models/train-base.safetensors) as an ONNX
 * model the `infer` kind serves: next-byte logits for `--batch` sequences of the model's context.
 * Prints the sha256 and flopsPerBatch to put in the subnet config's `infer` section.
 *
 *   node --import tsx scripts/export-onnx.ts models/train-base.safetensors models/train-base.onnx [--batch 8]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { decodeWeights, flatWeights, sha256Hex } from '../src/work/train/checkpoint.ts'
import type { ModelConfig } from '../src/work/train/model.ts'
import { exportOnnx, inferFlops } from '../src/work/train/onnx-export.ts'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { batch: { type: 'string', default: '8' } },
})
const [input, output] = positionals
if (input == null || output == null)
  throw new Error('usage: export-onnx.ts <weights.safetensors> <out.onnx> [--batch 8]')
const bytes = readFileSync(input)
const model = decodeWeights(bytes).meta.model as ModelConfig
const batch = Number(values.batch)
const onnx = exportOnnx(model, flatWeights(bytes, model), batch)
writeFileSync(output, onnx)
console.log(
  JSON.stringify(
    {
      path: output,
      sha256: sha256Hex(onnx),
      flopsPerBatch: inferFlops(model, batch),
      inputs: [{ name: 'tokens', shape: [batch, model.context], dtype: 'int64' }],
    },
    null,
    2,
  ),
)
