/**
 * Writes models/mlp-16x64x64x10.onnx, the MLP of subnet.example.json, and prints its sha256 and the
 * FLOPs of a 64-row shard. Deterministic: the same seed gives the same bytes.
 * Run: node --import tsx scripts/make-mlp-model.ts
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { hex } from '../src/p2p/blob-protocol.ts'
import { mlpModel } from '../src/work/infer/mlp.ts'

const spec = { seed: 7, widths: [16, 64, 64, 10] }
const bytes = mlpModel(spec)
const file = join(import.meta.dirname, '..', 'models', `mlp-${spec.widths.join('x')}.onnx`)
writeFileSync(file, bytes)
const rows = 64
let flops = 0
for (let l = 0; l + 1 < spec.widths.length; l++) flops += 2 * rows * spec.widths[l] * spec.widths[l + 1]
console.log(`wrote ${file}\nsha256 ${hex(sha256(bytes))}\nflopsPerShard (64 rows) ${flops}`)
