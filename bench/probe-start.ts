import { chromium } from '@playwright/test'
import { CHROMIUM_PATH, WEBGPU_ARGS } from '../e2e/chromium.ts'
import { startValidatorProcess } from '../e2e/validator-process.ts'

const engine = process.argv[2] ?? 'auto'
const validator = await startValidatorProcess()
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS })
try {
  for (const visit of [1, 2]) {
    const context = visit === 1 ? await browser.newContext() : browser.contexts()[0]
    const page = await context.newPage()
    const t0 = Date.now()
    const log: string[] = []
    page.on('console', (m) => m.text().startsWith('PROBE') && log.push(`${Date.now() - t0} ${m.text()}`))
    page.on('request', (r) => log.push(`${Date.now() - t0} req ${r.url().slice(-60)}`))
    page.on('requestfinished', (r) => log.push(`${Date.now() - t0} done ${r.url().slice(-60)}`))
    await page.goto(`${validator.url}${engine === 'auto' ? '' : `?engine=${engine}`}`)
    log.push(`${Date.now() - t0} loaded`)
    await page.getByTestId('start').click()
    let last = ''
    for (;;) {
      const s = await page.getByTestId('status').textContent()
      const e = await page.getByTestId('engine').textContent()
      if (s !== last) log.push(`${Date.now() - t0} status ${s} | ${e}`)
      last = s ?? ''
      if (Number(await page.getByTestId('accepted').textContent()) >= 1) break
      await page.waitForTimeout(20)
    }
    log.push(`${Date.now() - t0} first accepted`)
    console.log(`visit ${visit}\n${log.join('\n')}`)
    await page.getByTestId('stop').click()
    await page.close()
  }
  console.log(JSON.stringify((await (await fetch(new URL('api/status', validator.url))).json()).wire))
} finally {
  await browser.close()
  await validator.stop()
}
