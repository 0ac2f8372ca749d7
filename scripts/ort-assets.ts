/**
 * Vite plugin: serves third-party models that ship in npm packages under /models/, in the dev and
 * test servers and in the build output. (ONNX Runtime's wasm is an ordinary hashed asset: see
 * src/gpu/ort/ort-runtime.ts.)
 */
import { createReadStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Plugin } from 'vite'

const MODULES = join(import.meta.dirname, '..', 'node_modules')

/** Pretrained models served by the site, from the npm packages that ship them. */
export const MODEL_FILES: Record<string, string> = {
  'silero_vad_v5.onnx': join(MODULES, '@ricky0123', 'vad-web', 'dist', 'silero_vad_v5.onnx'),
}

function fileFor(url: string): string | undefined {
  const path = url.split('?')[0]
  if (path.startsWith('/models/')) return MODEL_FILES[path.slice('/models/'.length)]
  return undefined
}

export function ortAssets(): Plugin {
  return {
    name: 'tessera-ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = req.url == null ? undefined : fileFor(req.url)
        if (file == null) return next()
        res.setHeader('content-type', 'application/octet-stream')
        res.setHeader('cross-origin-resource-policy', 'cross-origin')
        createReadStream(file).pipe(res)
      })
    },
    generateBundle() {
      for (const [name, path] of Object.entries(MODEL_FILES)) {
        this.emitFile({ type: 'asset', fileName: `models/${name}`, source: readFileSync(path) })
      }
    },
  }
}
