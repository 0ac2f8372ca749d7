import type { Page, Worker } from '@playwright/test'

/**
 * The page's Tessera compute workers: the page starts it from a blob: URL (ONNX Runtime's own
 * thread workers load its script by URL). Not asked by `evaluate`: a thread worker blocked in
 * Atomics.wait would never answer.
 */
export function computeWorkers(page: Page): Worker[] {
  return page.workers().filter((w) => w.url().startsWith('blob:'))
}

/** The page's compute worker, once it runs. */
export async function computeWorker(page: Page): Promise<Worker> {
  for (;;) {
    const [worker] = computeWorkers(page)
    if (worker != null) return worker
    await page.waitForTimeout(100)
  }
}
