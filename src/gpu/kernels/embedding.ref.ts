/** CPU references for embedding.wgsl: gather rows of a table by token id, and the scatter-add backward. */
export function embeddingRef(table: Float32Array, ids: Uint32Array, dim: number): Float32Array {
  const out = new Float32Array(ids.length * dim)
  ids.forEach((id, t) => {
    out.set(table.subarray(id * dim, (id + 1) * dim), t * dim)
  })
  return out
}

export function embeddingBackwardRef(
  dout: Float32Array,
  ids: Uint32Array,
  vocab: number,
  dim: number,
): Float32Array {
  const dtable = new Float32Array(vocab * dim)
  ids.forEach((id, t) => {
    for (let d = 0; d < dim; d++) dtable[id * dim + d] += dout[t * dim + d]
  })
  return dtable
}
