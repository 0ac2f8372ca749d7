/**
 * Vite plugin: serves ONNX Runtime Web's wasm runtime from the site itself under /ort/ (never a CDN),
 * and third-party models that ship in npm packages under /models/, in the dev and test servers and in
 * the build output.
 */
import { createReadStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Plugin } from 'vite'

const MODULES = join(import.meta.dirname, '..', 'node_modules')
const DIST = join(MODULES, 'onnxruntime-web', 'dist')

/** Pretrained models served by the site, from the npm packages that ship them. */
export const MODEL_FILES: Record<string, string> = {
  'silero_vad_v5.onnx': join(MODULES, '@ricky0123', 'vad-web', 'dist', 'silero_vad_v5.onnx'),
}

function fileFor(url: string): string | undefined {
  const path = url.split('?')[0]
  if (path.startsWith('/ort/')) {
    const name = path.slice('/ort/'.length)
    return ORT_FILES.includes(name) ? join(DIST, name) : undefined
  }
  if (path.startsWith('/models/')) return MODEL_FILES[path.slice('/models/'.length)]
  return undefined
}

/** The runtime onnxruntime-web/webgpu loads: its asyncify build runs both the WebGPU and wasm EPs. */
export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs']

export function ortAssets(): Plugin {
  return {
    name: 'tessera-ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = req.url == null ? undefined : fileFor(req.url)
        if (file == null) return next()
        res.setHeader(
          'content-type',
          file.endsWith('.wasm')
            ? 'application/wasm'
            : file.endsWith('.mjs')
              ? 'text/javascript'
              : 'application/octet-stream',
        )
        res.setHeader('cross-origin-resource-policy', 'cross-origin')
        createReadStream(file).pipe(res)
      })
    },
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(join(DIST, name)) })
      }
      for (const [name, path] of Object.entries(MODEL_FILES)) {
        this.emitFile({ type: 'asset', fileName: `models/${name}`, source: readFileSync(path) })
      }
    },
  }
}
