/**
 * `npm run bench -- aggregate [--sizes 42000,470000] [--results 3,8,32]`: what a step's aggregate
 * costs the validator (src/work/train/aggregate.ts), for each rule, per step, beside the optimizer
 * step it feeds (AdamW on the CPU reference). Sizes are trained parameters: 42k is the tests' small
 * model, 470k the shipped base (2 layers, width 64). Writes bench/results/aggregate.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { adamwRef } from '../../src/gpu/kernels/adamw.ref.ts'
import { createPrng, fillNormal } from '../../src/work/prng.ts'
import { AGGREGATES, aggregate } from '../../src/work/train/aggregate.ts'

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    sizes: { type: 'string', default: '42000,470000' },
    results: { type: 'string', default: '3,8,32' },
    runs: { type: 'string', default: '5' },
  },
})
const runs = Number(values.runs)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const time = (fn: () => void) => {
  const times = Array.from({ length: runs }, () => {
    const t = performance.now()
    fn()
    return performance.now() - t
  })
  return +median(times).toFixed(2)
}

const rows = []
for (const size of values.sizes.split(',').map(Number)) {
  const random = createPrng(size)
  const weights = fillNormal(random, new Float32Array(size), 0.02)
  const m = new Float32Array(size)
  const v = new Float32Array(size)
  const adamwMs = time(() =>
    adamwRef(weights, m, m, v, { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, step: 1 }),
  )
  for (const k of values.results.split(',').map(Number)) {
    const results = Array.from({ length: k }, () => ({
      vector: fillNormal(random, new Float32Array(size), 1),
      weight: 1,
    }))
    const row: Record<string, number> = { parameters: size, resultsPerStep: k, adamwMs }
    for (const rule of AGGREGATES) row[`${rule}Ms`] = time(() => aggregate(rule, results))
    rows.push(row)
  }
}
console.table(rows)
const out = join(import.meta.dirname, '..', 'results', 'aggregate.json')
mkdirSync(join(import.meta.dirname, '..', 'results'), { recursive: true })
writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'aggregate', date: new Date().toISOString(), runs, rows }, null, 2)}\n`,
)
console.log(`wrote ${out}`)
