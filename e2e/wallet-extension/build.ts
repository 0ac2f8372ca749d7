/** Bundles the test wallet into e2e/wallet-extension/dist, a loadable unpacked MV3 extension. */
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export const EXTENSION_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dist')

export async function buildTestWallet(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url))
  mkdirSync(EXTENSION_DIR, { recursive: true })
  await build({
    entryPoints: [join(here, 'src', 'content.ts')],
    outfile: join(EXTENSION_DIR, 'content.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  })
  copyFileSync(join(here, 'manifest.json'), join(EXTENSION_DIR, 'manifest.json'))
  return EXTENSION_DIR
}
