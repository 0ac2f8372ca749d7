/** Host side of cross-entropy.wgsl. CPU reference: cross-entropy.ref.ts. */
import { type GpuRuntime, type GpuTensor, rowGrid } from '../runtime.ts'
import source from './cross-entropy.wgsl?raw'
import reduceSource from './reduce.wgsl?raw'

const WG = 64
const code = () => `${reduceSource}\n${source}`

function check(logits: GpuTensor, targets: GpuTensor): [number, number] {
  const [rows, cols] = logits.shape
  if (logits.shape.length !== 2 || targets.size !== rows)
    throw new RangeError('crossEntropy: logits [rows, vocab], targets [rows]')
  return [rows, cols]
}

/** Per-row losses; the mean loss is their average. `targets` holds u32 class ids. */
export function crossEntropy(rt: GpuRuntime, logits: GpuTensor, targets: GpuTensor): GpuTensor {
  const [rows, cols] = check(logits, targets)
  const out = rt.tensor([rows])
  rt.dispatch(
    rt.kernel('cross-entropy', code(), 'forward', { WG }),
    [rt.uniform([rows, cols]), logits.buffer, targets.buffer, out.buffer],
    rowGrid(rows),
    'crossEntropy',
  )
  return out
}

/** Gradient of the mean loss with respect to the logits. */
export function crossEntropyBackward(rt: GpuRuntime, logits: GpuTensor, targets: GpuTensor): GpuTensor {
  const [rows, cols] = check(logits, targets)
  const out = rt.tensor(logits.shape)
  rt.dispatch(
    rt.kernel('cross-entropy', code(), 'backward', { WG }),
    [rt.uniform([rows, cols]), logits.buffer, targets.buffer, out.buffer],
    rowGrid(rows),
    'crossEntropy.backward',
  )
  return out
}
