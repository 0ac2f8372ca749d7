/**
 * The dependency rule, checked on the import graph: the page's code never reaches a validator
 * module, a kind's Node-only half (its source, verifier, onnxruntime-node) or a Node built-in; the
 * validator never reaches gpu or ui; protocol and gpu depend on nothing of ours; no production code
 * reaches test support (src/testing). Modules a thread or worker loads by URL
 * (`new URL('./check.ts', import.meta.url)`) count as imports.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..')
// `import type` is erased at build time, so it is not a dependency at run time.
const IMPORT =
  /(?:^|\n)\s*(?:import(?!\s+type\s)|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'|new URL\(\s*'(\.[^']+\.ts)',\s*import\.meta\.url\s*\)/g

/** Where production code starts: the page, the widget, its workers, the validator and its threads. */
const ENTRY_POINTS = [
  'ui/main.ts',
  'ui/jobs-page.ts',
  'ui/tessera-contribute.ts',
  'client/session.ts',
  'client/compute-worker.ts',
  'validator/cli.ts',
]

/** Every module reachable from `entry` (our files by path, packages by name). */
function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4]
      if (spec.startsWith('.')) {
        if (spec.endsWith('.ts')) visit(resolve(dirname(file), spec))
      } else packages.add(spec)
    }
  }
  visit(join(SRC, entry))
  return { files: new Set([...files].map((f) => relative(SRC, f))), packages }
}

describe('dependency rule', () => {
  it("keeps the page's bundle free of validator code and every kind's Node-only half", () => {
    for (const entry of ['ui/main.ts', 'ui/jobs-page.ts', 'ui/tessera-contribute.ts', 'client/session.ts']) {
      const { files, packages } = reach(entry)
      expect([...files].filter((f) => f.startsWith('validator/'))).toEqual([])
      expect([...files].filter((f) => /^work\/([^/]+\/)?(validator|onnx-node|config)\.ts$/.test(f))).toEqual(
        [],
      )
      expect([...files].filter((f) => f === 'work/validator-kinds.ts')).toEqual([])
      expect(
        [...packages].filter((p) => p.startsWith('node:') || /onnxruntime-node|better-sqlite3/.test(p)),
      ).toEqual([])
    }
  })

  it('keeps the validator off the GPU and the UI', () => {
    // The validator, and (followed as imports) the checks its worker threads load by URL.
    const files = reach('validator/cli.ts').files
    expect(files).toContain('work/gemm/check-tile.ts')
    expect(files).toContain('work/train/check.ts')
    // What the validator may use of gpu/ is plain TypeScript with no WebGPU in it: the kernels' CPU
    // references (the train kind verifies with them) and the ONNX model writer (its recomputation
    // runs products as a one-MatMul ONNX model on onnxruntime-node).
    const gpu = [...files].filter((f) => f.startsWith('gpu/'))
    const allowed = /^gpu\/(kernels\/[a-z-]+\.ref\.ts|ort\/onnx-model\.ts|ort\/onnx\.ts)$/
    expect(gpu.filter((f) => !allowed.test(f))).toEqual([])
    expect(gpu).toContain('gpu/kernels/layernorm.ref.ts')
    expect([...files].filter((f) => f.startsWith('ui/') || f.startsWith('client/'))).toEqual([])
  })

  it('keeps test support out of every production entry point', () => {
    for (const entry of ENTRY_POINTS) {
      const { files } = reach(entry)
      expect(
        [...files].filter((f) => f.startsWith('testing/')),
        entry,
      ).toEqual([])
    }
  })

  it('keeps protocol and gpu free of the rest of Tessera', () => {
    for (const entry of ['protocol/codec.ts', 'gpu/select-engine.ts']) {
      const { files } = reach(entry)
      const layer = entry.split('/')[0]
      expect([...files].filter((f) => !f.startsWith(`${layer}/`))).toEqual([])
    }
  })
})

/** Every production module under src/ (tests and test support left out), relative to src/. */
function productionFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : productionFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [relative(SRC, path)] : []
  })
}

/** Every module a file names (types included: knowing a kind's types is knowing the kind). */
function namedModules(file: string): string[] {
  const source = readFileSync(join(SRC, file), 'utf8')
  const any =
    /from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)|new URL\(\s*'(\.[^']+\.ts)',\s*import\.meta\.url\s*\)/g
  return [...source.matchAll(any)].map((m) =>
    relative(SRC, resolve(dirname(join(SRC, file)), m[1] ?? m[2] ?? m[3])),
  )
}

describe('a kind is one folder', () => {
  const REGISTRIES = ['work/contributor-kinds.ts', 'work/validator-kinds.ts', 'work/panel-kinds.ts']
  const kinds = readdirSync(join(SRC, 'work'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(SRC, 'work', e.name, 'index.ts')))
    .map((e) => e.name)
  const files = productionFiles()

  it('is known outside its folder by one line in each registry, and knows no other kind', () => {
    expect(kinds).toEqual(expect.arrayContaining(['gemm', 'infer', 'train']))
    for (const kind of kinds) {
      const inside = (m: string) => m.startsWith(`work/${kind}/`)
      const outside = files.filter((f) => !inside(f))
      const knowing = outside.filter((f) => namedModules(f).some(inside))
      expect(
        knowing.filter((f) => !REGISTRIES.includes(f)),
        kind,
      ).toEqual([])
      for (const registry of knowing) expect(namedModules(registry).filter(inside), registry).toHaveLength(1)
      const others = files
        .filter(inside)
        .flatMap((f) => namedModules(f))
        .filter((m) => m.startsWith('work/') && kinds.some((k) => k !== kind && m.startsWith(`work/${k}/`)))
      expect(others, kind).toEqual([])
    }
  })
})
