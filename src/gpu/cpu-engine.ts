import type { MatmulEngine } from './engine.ts'
import { gemmRef } from './kernels/gemm.ref.ts'

/** The CPU reference as an engine: used by Node contributors and tests, never picked for visitors. */
export function createCpuEngine(): MatmulEngine {
  return {
    name: 'cpu',
    description: 'CPU reference (JavaScript)',
    matmul: async (a, b, m, n, k) => gemmRef(a, b, m, n, k),
    destroy: () => {},
  }
}
