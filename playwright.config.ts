import { defineConfig } from '@playwright/test'
import { CHROMIUM_PATH, WEBGPU_ARGS } from './e2e/chromium.ts'

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  // SwiftShader runs WebGPU on the CPU: shards are slow, so give each test room.
  timeout: 180_000,
  expect: { timeout: 120_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    launchOptions: { executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS },
    trace: 'retain-on-failure',
  },
})
