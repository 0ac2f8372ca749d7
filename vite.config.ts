import { defineConfig } from 'vite'
import { ortAssets } from './scripts/ort-assets.ts'
import { precompress } from './scripts/precompress.ts'

export default defineConfig({
  plugins: [ortAssets(), precompress()],
  // Every chunk and asset URL relative to the module that loads it (import.meta.url): the widget
  // embedded on another site loads its code, ONNX Runtime and models from the validator's origin,
  // not from the host page's.
  base: './',
  resolve: {
    alias: [
      // The page never signs (the wallet extension does), and util-crypto's address helpers are pure JS:
      // leave out the inlined sr25519/ed25519 wasm and asm.js that wasm-crypto would otherwise bundle
      // (measured: the claim chunk goes from 191 kB to 19 kB gzip).
      { find: /^@polkadot\/wasm-crypto-init$/, replacement: '@polkadot/wasm-crypto-init/none' },
    ],
  },
  // The compute worker splits into chunks (ONNX Runtime, the kinds) like the page: ES module workers.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    // libp2p (noise, yamux, gossipsub) is most of the session chunk, loaded only when Start is pressed.
    chunkSizeWarningLimit: 800,
    // The widget is also a standalone script for other sites (see README, "Embed the widget").
    rollupOptions: {
      input: { index: 'index.html', jobs: 'jobs.html', widget: 'src/ui/tessera-contribute.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'widget' ? 'widget.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    headers: {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    },
  },
})
