/**
 * Rows and batches. A task gives each record's step as rows (a row: its named input tensors); a
 * model with a fixed batch dimension takes `stack` rows at once, so the rows of several records are
 * stacked into one batch (zero rows pad the last), and each batch's outputs are cut back into rows.
 * Without a `stack`, a row is a whole batch.
 */
import type { NamedTensor } from '../../work/kind.ts'

export type Row = NamedTensor[]

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1)

/** Batches of `stack` rows each (`stack` undefined: a batch per row). */
export function packRows(rows: readonly Row[], stack: number | undefined): NamedTensor[][] {
  if (stack == null) return rows.map((row) => row)
  const batches: NamedTensor[][] = []
  for (let from = 0; from < rows.length; from += stack) {
    const group = rows.slice(from, from + stack)
    batches.push(
      group[0].map((first) => {
        const per = size(first.shape)
        const data = first.dtype === 'int64' ? new BigInt64Array(stack * per) : new Float32Array(stack * per)
        for (const [i, row] of group.entries()) {
          const t = row.find((x) => x.name === first.name)!
          ;(data as BigInt64Array | Float32Array).set(t.data as never, i * per)
        }
        return { name: first.name, dtype: first.dtype, shape: [stack, ...first.shape], data } as NamedTensor
      }),
    )
  }
  return batches
}

/** Each row's outputs, cut from the batches' outputs (`rows` rows in all, padding dropped). */
export function unpackRows(
  outputs: readonly NamedTensor[][],
  rows: number,
  stack: number | undefined,
): Row[] {
  if (stack == null) return outputs.slice(0, rows).map((o) => o)
  const out: Row[] = []
  for (let r = 0; r < rows; r++) {
    const batch = outputs[Math.floor(r / stack)]
    if (batch == null) throw new RangeError(`no outputs for row ${r}`)
    const i = r % stack
    out.push(
      batch.map((t) => {
        const rest = t.shape.slice(1)
        const per = size(rest)
        return { ...t, shape: rest, data: t.data.subarray(i * per, (i + 1) * per) } as NamedTensor
      }),
    )
  }
  return out
}
