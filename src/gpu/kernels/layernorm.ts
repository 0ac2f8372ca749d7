/** Host side of layernorm.wgsl. CPU reference: layernorm.ref.ts. */
import { type GpuRuntime, type GpuTensor, linearGrid, rowGrid } from '../runtime.ts'
import source from './layernorm.wgsl?raw'
import reduceSource from './reduce.wgsl?raw'

const WG = 64
const code = () => `${reduceSource}\n${source}`

export interface LayerNormResult {
  y: GpuTensor
  /** mean and rstd per row, interleaved: the backward pass needs them. */
  stats: GpuTensor
}

export function layerNorm(
  rt: GpuRuntime,
  x: GpuTensor,
  gamma: GpuTensor,
  beta: GpuTensor,
  eps = 1e-5,
): LayerNormResult {
  const cols = x.shape[x.shape.length - 1]
  const rows = x.size / cols
  if (gamma.size !== cols || beta.size !== cols)
    throw new RangeError(`layerNorm: gamma and beta need ${cols} entries`)
  const y = rt.tensor(x.shape)
  const stats = rt.tensor([rows, 2])
  const pipeline = rt.kernel('layernorm', code(), 'forward', { WG })
  rt.dispatch(
    pipeline,
    [rt.uniform([rows, cols], [eps]), x.buffer, gamma.buffer, beta.buffer, undefined, stats.buffer, y.buffer],
    rowGrid(rows),
    'layernorm',
  )
  return { y, stats }
}

export interface LayerNormGradients {
  dx: GpuTensor
  dgamma: GpuTensor
  dbeta: GpuTensor
}

export function layerNormBackward(
  rt: GpuRuntime,
  x: GpuTensor,
  gamma: GpuTensor,
  stats: GpuTensor,
  dy: GpuTensor,
): LayerNormGradients {
  const cols = x.shape[x.shape.length - 1]
  const rows = x.size / cols
  const dx = rt.tensor(x.shape)
  const dgamma = rt.tensor([cols])
  const dbeta = rt.tensor([cols])
  const params = rt.uniform([rows, cols], [0])
  rt.dispatch(
    rt.kernel('layernorm', code(), 'backward', { WG }),
    [params, x.buffer, gamma.buffer, undefined, dy.buffer, stats.buffer, dx.buffer],
    rowGrid(rows),
    'layernorm.backward',
  )
  rt.dispatch(
    rt.kernel('layernorm', code(), 'paramGrads', { WG }),
    [params, x.buffer, undefined, undefined, dy.buffer, stats.buffer, dgamma.buffer, dbeta.buffer],
    [linearGrid(cols, WG)[0]],
    'layernorm.paramGrads',
  )
  return { dx, dgamma, dbeta }
}
