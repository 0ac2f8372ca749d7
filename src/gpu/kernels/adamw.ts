/** Host side of adamw.wgsl: updates params, m and v in place. CPU reference: adamw.ref.ts. */
import { type GpuRuntime, type GpuTensor, linearGrid } from '../runtime.ts'
import type { AdamWConfig } from './adamw.ref.ts'
import source from './adamw.wgsl?raw'

const WG = 256

export function adamw(
  rt: GpuRuntime,
  p: GpuTensor,
  g: GpuTensor,
  m: GpuTensor,
  v: GpuTensor,
  c: AdamWConfig,
): void {
  if (g.size !== p.size || m.size !== p.size || v.size !== p.size)
    throw new RangeError('adamw: p, g, m, v differ in size')
  const bc1 = 1 - c.beta1 ** c.step
  const bc2 = 1 - c.beta2 ** c.step
  rt.dispatch(
    rt.kernel('adamw', source, 'main', { WG }),
    [
      rt.uniform([p.size], [c.lr, c.beta1, c.beta2, c.eps, c.weightDecay, bc1, bc2]),
      p.buffer,
      g.buffer,
      m.buffer,
      v.buffer,
    ],
    linearGrid(p.size, WG),
    'adamw',
  )
}
