/**
 * `npm run gen:proto`: compiles every .proto of the project with protons — the envelopes
 * (src/protocol), the ONNX subset (src/gpu/ort) and each work kind's own (src/work/<kind>/messages.proto,
 * found by looking: a new kind needs no line here) — then lets the generated decoders read repeated
 * scalars packed or not (protons-packed.ts).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const kinds = readdirSync(join(root, 'src', 'work'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'src', 'work', d.name, 'messages.proto')))
  .map((d) => `src/work/${d.name}/messages.proto`)
  .sort()
const protos = ['src/protocol/messages.proto', 'src/gpu/ort/onnx.proto', ...kinds]
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
execFileSync(bin('protons'), protos, { cwd: root, stdio: 'inherit' })
// The ONNX writer only encodes: its decoders need no patch.
const patched = protos.filter((p) => !p.startsWith('src/gpu/')).map((p) => p.replace(/\.proto$/, '.ts'))
execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'protons-packed.ts'), ...patched], {
  cwd: root,
  stdio: 'inherit',
})
