/**
 * `npm run gpu-runner:pack`: the real-GPU runner as one archive for a machine with no npm registry,
 * browser or Node (bench/gpu-runner/README.md): the runner bundled by esbuild with its .wgsl files
 * inlined, this machine's Node binary, Dawn's dawn.node for linux-x64 (from the `webgpu` package,
 * fetched with `npm pack`), torch_gemm.py and the README, as gpu-runner.tar.xz in the repository root
 * (ignored by git). Fails if the archive is 60 MiB or more.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

const WEBGPU_PACKAGE = 'webgpu@0.6.2'
const LIMIT = 60 * 2 ** 20
const root = join(import.meta.dirname, '..')
const stage = join(root, 'gpu-runner')
rmSync(stage, { recursive: true, force: true })
mkdirSync(stage)

await build({
  entryPoints: [join(root, 'bench/gpu-runner/runner.ts')],
  outfile: join(stage, 'runner.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The kernels import their WGSL as `./x.wgsl?raw`, as Vite does.
  plugins: [
    {
      name: 'wgsl-raw',
      setup(b) {
        b.onResolve({ filter: /\.wgsl\?raw$/ }, (args) => ({
          path: join(args.resolveDir, args.path.replace(/\?raw$/, '')),
          namespace: 'wgsl',
        }))
        b.onLoad({ filter: /.*/, namespace: 'wgsl' }, (args) => ({
          contents: readFileSync(args.path, 'utf8'),
          loader: 'text',
        }))
      },
    },
  ],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
})

const npm = mkdtempSync(join(tmpdir(), 'tessera-webgpu-'))
execFileSync('npm', ['pack', WEBGPU_PACKAGE, '--silent'], { cwd: npm, stdio: ['ignore', 'pipe', 'inherit'] })
execFileSync('tar', ['xzf', `${WEBGPU_PACKAGE.replace('@', '-')}.tgz`, 'package/dist/linux-x64/dawn.node'], {
  cwd: npm,
})
copyFileSync(join(npm, 'package/dist/linux-x64/dawn.node'), join(stage, 'dawn.node'))
rmSync(npm, { recursive: true, force: true })
copyFileSync(process.execPath, join(stage, 'node'))
for (const f of ['torch_gemm.py', 'README.md'])
  copyFileSync(join(root, 'bench/gpu-runner', f), join(stage, f))

const archive = join(root, 'gpu-runner.tar.xz')
execFileSync('tar', ['-cJf', archive, '-C', root, 'gpu-runner'], {
  env: { ...process.env, XZ_OPT: '-9 -T2' },
})
const size = statSync(archive).size
console.log(`wrote ${archive}: ${(size / 2 ** 20).toFixed(1)} MiB`)
if (size >= LIMIT) throw new Error(`the archive is ${size} bytes, over ${LIMIT}`)
