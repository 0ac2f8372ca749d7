/** Every registered work kind keeps the shared contract (compliance.ts), on both sides. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import { describeWorkKind } from '../testing/compliance.ts'
import { CONTRIBUTOR_KINDS } from './contributor-kinds.ts'
import { createNodeOnnx } from './onnx-node.ts'
import { VALIDATOR_KINDS } from './validator-kinds.ts'

describe('the kind registries', () => {
  it('list the same kinds on both sides', () => {
    expect(CONTRIBUTOR_KINDS.map((k) => `${k.name}/${k.version}`)).toEqual(
      VALIDATOR_KINDS.map((k) => `${k.name}/${k.version}`),
    )
  })
})

for (const kind of VALIDATOR_KINDS) {
  const contributor = CONTRIBUTOR_KINDS.find((k) => k.name === kind.name)!
  describeWorkKind(kind, contributor, {
    configDir: join(import.meta.dirname, '..', '..'),
    runtimes: () => ({ engine: createCpuEngine(), onnx: createNodeOnnx() }),
  })
}
