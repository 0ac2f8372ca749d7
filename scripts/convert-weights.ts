/**
 * Converts a weights file to safetensors: Tessera's earlier "TSWT" format (a checkpoint or base model
 * written before safetensors), or a safetensors file in F16 or BF16 (written as F32).
 *
 *   node --import tsx scripts/convert-weights.ts <in> <out.safetensors>
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { decodeWeights, encodeWeights } from '../src/work/train/checkpoint.ts'

const [input, output] = process.argv.slice(2)
if (input == null || output == null) throw new Error('usage: convert-weights.ts <in> <out.safetensors>')
const file = decodeWeights(readFileSync(input))
writeFileSync(output, encodeWeights(file))
console.log(`${input} → ${output}: ${file.tensors.length} tensors, meta ${Object.keys(file.meta).join(', ')}`)
