/** Host side of embedding.wgsl. CPU reference: embedding.ref.ts. */
import { type GpuRuntime, type GpuTensor, linearGrid } from '../runtime.ts'
import source from './embedding.wgsl?raw'

const WG = 64

/** Rows of `table` (vocab x dim) picked by `ids` (u32, tokens): tokens x dim. */
export function embedding(rt: GpuRuntime, table: GpuTensor, ids: GpuTensor): GpuTensor {
  const [vocab, dim] = table.shape
  const out = rt.tensor([ids.size, dim])
  rt.dispatch(
    rt.kernel('embedding', source, 'gather', { WG }),
    [rt.uniform([ids.size, vocab, dim]), table.buffer, ids.buffer, out.buffer],
    linearGrid(ids.size * dim, WG),
    'embedding',
  )
  return out
}

/** Gradient of the table (vocab x dim) from the gradient of the gathered rows (tokens x dim). */
export function embeddingBackward(rt: GpuRuntime, dout: GpuTensor, ids: GpuTensor, vocab: number): GpuTensor {
  const dim = dout.shape[1]
  const out = rt.tensor([vocab, dim])
  rt.dispatch(
    rt.kernel('embedding', source, 'scatterAdd', { WG }),
    [rt.uniform([ids.size, vocab, dim]), dout.buffer, ids.buffer, out.buffer],
    linearGrid(vocab * dim, WG),
    'embedding.backward',
  )
  return out
}
