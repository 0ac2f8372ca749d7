/**
 * Vite plugin: writes a Brotli (.br) and a gzip (.gz) copy beside every compressible file of the
 * build, so the validator's HTTP server sends compressed bytes without compressing per request
 * (ONNX Runtime's 27 MB wasm is 4.7 MB as Brotli).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.wasm', '.txt'])
/** Below this, headers cost more than compression saves. */
const MIN_BYTES = 1024

export function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'tessera-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.has(extname(file)) || statSync(file).size < MIN_BYTES) continue
        const bytes = readFileSync(file)
        // Quality 11 takes a minute and a half on the wasm for 15% less: 9 above 1 MB.
        const quality = bytes.byteLength > 1 << 20 ? 9 : 11
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(bytes, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: quality,
              [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
            },
          }),
        )
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }))
      }
    },
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(path)
    else yield path
  }
}
