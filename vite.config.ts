import { defineConfig } from 'vite'

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    // libp2p (noise, yamux, gossipsub) is most of the session chunk, loaded only when Start is pressed.
    chunkSizeWarningLimit: 800,
    // The widget is also a standalone script for other sites (see README, "Embed the widget").
    rollupOptions: {
      input: { index: 'index.html', widget: 'src/ui/tessera-contribute.ts' },
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
