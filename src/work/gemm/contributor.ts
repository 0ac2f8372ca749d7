/**
 * The contributor half of `gemm`: fetch the row blocks and weight panels the grant names (each once,
 * kept), cut A and B from them, run C = A·B on the engine.
 */
import type { BlobOptions, ContributorKind } from '../kind.ts'
import type { GemmGrant, GemmResult, RowBlock, WeightsPanel } from './codec.ts'
import { gemm } from './index.ts'

/** An operand blob is not the matrix the grant says it is. */
export class WeightsMismatchError extends Error {
  static override name = 'WeightsMismatchError'
  override name = 'WeightsMismatchError'
}

/** Row blocks are one strip's: kept in memory while it lasts, never in the page's model cache. */
const ROW_BLOCK: BlobOptions = { persist: false }

/** The last value made under a key: the tiles of one strip share A, wide tiles of a layer mostly share B. */
function lastOne<T>(): (key: string, make: () => Promise<T>) => Promise<T> {
  let last: { key: string; value: T } | undefined
  return async (key, make) => {
    if (last?.key === key) return last.value
    const value = await make()
    last = { key, value }
    return value
  }
}
const lastA = lastOne<Float32Array>()
const lastB = lastOne<Float32Array>()
const keyOf = (start: number, count: number, blobs: Array<{ sha256: string }>) =>
  `${start}:${count}:${blobs.map((b) => b.sha256).join(',')}`

export const gemmContributor: ContributorKind<GemmGrant, GemmResult> = {
  ...gemm,
  canRun: () => true,
  inputs: (grant) => [
    ...grant.rowBlocks.map((r) => ({ sha256: r.sha256, options: ROW_BLOCK })),
    ...grant.panels.map((p) => ({ sha256: p.sha256 })),
  ],
  async execute(grant, context) {
    const { row0, m, k, rowBlocks, col0, n, panels } = grant
    const f32 = async (sha256: string, elements: number, options?: BlobOptions) =>
      asF32(await context.blob(sha256, options), elements, sha256)
    const [a, b] = await Promise.all([
      lastA(keyOf(row0, m, rowBlocks), async () => {
        const blocks = rowBlocks.map(async (block) => ({
          block,
          data: await f32(block.sha256, block.rows * k, ROW_BLOCK),
        }))
        return assembleRows(await Promise.all(blocks), k, row0, m)
      }),
      lastB(keyOf(col0, n, panels), async () => {
        const parts = panels.map(async (panel) => ({ panel, data: await f32(panel.sha256, k * panel.cols) }))
        return assembleColumns(await Promise.all(parts), k, col0, n)
      }),
    ])
    const c = await context.engine.matmul(a, b, m, n, k)
    return { c: { rows: m, cols: n, data: c } }
  },
}

function asF32(bytes: Uint8Array, elements: number, sha256: string): Float32Array {
  if (bytes.byteLength !== elements * 4) {
    throw new WeightsMismatchError(`blob ${sha256} is ${bytes.byteLength} bytes, not ${elements} f32`)
  }
  return bytes.byteOffset % 4 === 0
    ? new Float32Array(bytes.buffer, bytes.byteOffset, elements)
    : new Float32Array(bytes.slice().buffer)
}

/** Rows [row0, row0 + m) of a batch (k columns), from the blocks that hold them. */
export function assembleRows(
  blocks: Array<{ block: RowBlock; data: Float32Array }>,
  k: number,
  row0: number,
  m: number,
): Float32Array {
  if (blocks.length === 1 && blocks[0].block.row0 === row0 && blocks[0].block.rows === m) {
    return blocks[0].data
  }
  const out = new Float32Array(m * k)
  for (const { block, data } of blocks) {
    const from = Math.max(row0, block.row0)
    const to = Math.min(row0 + m, block.row0 + block.rows)
    out.set(data.subarray((from - block.row0) * k, (to - block.row0) * k), (from - row0) * k)
  }
  return out
}

/** Columns [col0, col0 + n) of the layer (k rows), from the panels that hold them. */
export function assembleColumns(
  panels: Array<{ panel: WeightsPanel; data: Float32Array }>,
  k: number,
  col0: number,
  n: number,
): Float32Array {
  if (panels.length === 1 && panels[0].panel.col0 === col0 && panels[0].panel.cols === n) {
    return panels[0].data
  }
  const out = new Float32Array(k * n)
  for (const { panel, data } of panels) {
    const from = Math.max(col0, panel.col0)
    const to = Math.min(col0 + n, panel.col0 + panel.cols)
    for (let l = 0; l < k; l++) {
      const row = l * panel.cols - panel.col0
      out.set(data.subarray(row + from, row + to), l * n + from - col0)
    }
  }
  return out
}
