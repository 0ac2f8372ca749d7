import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { CHROMIUM_PATH, WEBGPU_ARGS } from './e2e/chromium.ts'
import { ortAssets } from './scripts/ort-assets.ts'

export default defineConfig({
  plugins: [ortAssets()],
  // Optimized up front: found mid-run, Vite reloads the browser tests that import them.
  optimizeDeps: { include: ['@libp2p/crypto/keys', '@libp2p/peer-id', 'uplot'] },
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['src/**/*.browser.test.ts'],
          setupFiles: ['src/validator/polyfills.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
})
