/** Host side of elementwise.wgsl. CPU reference: elementwise.ref.ts. */
import type { GpuRuntime, GpuTensor } from '../runtime.ts'
import activationSource from './activation.wgsl?raw'
import type { ElementwiseOp } from './elementwise.ref.ts'
import source from './elementwise.wgsl?raw'

const ELEMENTWISE_OPS: Record<ElementwiseOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  scale: 3,
  axpy: 4,
  relu: 5,
  gelu: 6,
  'relu-backward': 7,
  'gelu-backward': 8,
}
const BINARY = new Set<ElementwiseOp>(['add', 'sub', 'mul', 'axpy', 'relu-backward', 'gelu-backward'])
const WG = 256

export function elementwise(
  rt: GpuRuntime,
  op: ElementwiseOp,
  x: GpuTensor,
  y?: GpuTensor,
  alpha = 1,
): GpuTensor {
  if (BINARY.has(op) && (y == null || y.size !== x.size))
    throw new RangeError(`${op} needs a second operand of ${x.size}`)
  const pipeline = rt.kernel('elementwise', `${activationSource}\n${source}`, 'main', {
    OP: ELEMENTWISE_OPS[op],
    WG,
  })
  const out = rt.tensor(x.shape)
  const groups = Math.ceil(x.size / WG)
  const gx = Math.min(groups, 65_535)
  rt.dispatch(
    pipeline,
    [rt.uniform([x.size], [alpha]), x.buffer, y?.buffer ?? rt.placeholder, out.buffer],
    [gx, Math.ceil(groups / gx)],
    'elementwise',
  )
  return out
}
