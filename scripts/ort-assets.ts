/**
 * Vite plugin: serves ONNX Runtime Web's wasm runtime from the site itself under /ort/ (never a CDN),
 * in the dev and test servers and in the build output.
 */
import { createReadStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Plugin } from 'vite'

const DIST = join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-web', 'dist')

/** The wasm EP's runtime, and the asyncify build that onnxruntime-web/webgpu (the WebGPU EP) loads. */
export const ORT_FILES = [
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
]

export function ortAssets(): Plugin {
  return {
    name: 'tessera-ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.split('?')[0].replace(/^\/ort\//, '')
        if (!req.url?.startsWith('/ort/') || name == null || !ORT_FILES.includes(name)) return next()
        res.setHeader('content-type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript')
        res.setHeader('cross-origin-resource-policy', 'cross-origin')
        createReadStream(join(DIST, name)).pipe(res)
      })
    },
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(join(DIST, name)) })
      }
    },
  }
}
