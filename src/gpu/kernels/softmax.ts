/** Host side of softmax.wgsl / softmax-subgroup.wgsl. CPU reference: softmax.ref.ts. */
import { type GpuRuntime, type GpuTensor, rowGrid } from '../runtime.ts'
import reduceSource from './reduce.wgsl?raw'
import source from './softmax.wgsl?raw'
import subgroupSource from './softmax-subgroup.wgsl?raw'

const WG = 64

export interface SoftmaxOptions {
  scale?: number
  /** Attention block size: row r sees columns 0..r % causal. */
  causal?: number
  /** Use subgroup reductions when the device has them (default), or never. */
  subgroups?: boolean
}

function rowsCols(x: GpuTensor): [number, number] {
  const cols = x.shape[x.shape.length - 1]
  return [x.size / cols, cols]
}

export function softmax(rt: GpuRuntime, x: GpuTensor, options: SoftmaxOptions = {}): GpuTensor {
  const [rows, cols] = rowsCols(x)
  const useSubgroups = (options.subgroups ?? true) && rt.caps.subgroups
  const constants = { WG, CAUSAL: options.causal ?? 0 }
  const pipeline = useSubgroups
    ? rt.kernel('softmax-subgroup', subgroupSource, 'forward', constants)
    : rt.kernel('softmax', `${reduceSource}\n${source}`, 'forward', constants)
  const out = rt.tensor(x.shape)
  rt.dispatch(
    pipeline,
    [rt.uniform([rows, cols], [options.scale ?? 1]), x.buffer, undefined, out.buffer],
    rowGrid(rows),
    'softmax',
  )
  return out
}

/** dX given the softmax output Y and upstream dY. */
export function softmaxBackward(rt: GpuRuntime, y: GpuTensor, dy: GpuTensor, scale = 1): GpuTensor {
  const [rows, cols] = rowsCols(y)
  if (dy.size !== y.size) throw new RangeError('softmaxBackward: dY and Y differ in size')
  const pipeline = rt.kernel('softmax', `${reduceSource}\n${source}`, 'backward', { WG })
  const out = rt.tensor(y.shape)
  rt.dispatch(
    pipeline,
    [rt.uniform([rows, cols], [scale]), y.buffer, dy.buffer, out.buffer],
    rowGrid(rows),
    'softmax.backward',
  )
  return out
}
