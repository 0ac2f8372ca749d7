import { buildTestWallet } from './wallet-extension/build.ts'

export default async function globalSetup(): Promise<void> {
  await buildTestWallet()
}
