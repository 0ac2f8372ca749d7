/**
 * Browser to browser: two contributing pages find each other through their validator's peer
 * exchange, connect over WebRTC with the validator as circuit relay (no STUN: iceServers empty), and
 * when one page loses its link to the validator, offers keep reaching it through the other page.
 */
import '../src/validator/polyfills.ts'
import { expect, type Page, test } from '@playwright/test'
import { type DelayProxy, startDelayProxy } from '../src/testing/test-support.ts'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.ts'

// Chromium hides a page's host ICE candidates behind mDNS names unless the page may use the camera;
// with no STUN server and no mDNS resolver here, pages would have no candidate the other can reach.
test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...WEBGPU_ARGS, '--disable-features=WebRtcHideLocalIpsWithMdns'],
  },
})

let validator: ValidatorProcess | undefined
let proxy: DelayProxy | undefined
test.afterEach(async () => {
  await proxy?.close()
  proxy = undefined
  await validator?.stop()
  validator = undefined
})

const network = (page: Page) => page.getByTestId('network')
const relayedOffers = async (page: Page) =>
  Number(/(\d+) offers? relayed/.exec((await network(page).textContent()) ?? '')?.[1] ?? -1)

test('two pages link over WebRTC through the validator, and offers flow between them after the relay link drops', async ({
  browser,
}) => {
  validator = await startValidatorProcess()
  const [a, b] = [await browser.newContext(), await browser.newContext()]
  try {
    // Page B reaches the validator only through a TCP proxy the test can cut, as a network would.
    const bootstrap = await (await fetch(new URL('api/bootstrap', validator.url))).json()
    const [, host, port, peer] = /^\/ip4\/([^/]+)\/tcp\/(\d+)\/ws\/p2p\/(\w+)$/.exec(bootstrap.multiaddrs[0])!
    proxy = await startDelayProxy({ host, port: Number(port) }, 0)
    const viaProxy = `/ip4/127.0.0.1/tcp/${proxy.port}/ws/p2p/${peer}`
    // B learns the validator's own address too (identify): keep it from going around the proxy.
    await b.routeWebSocket(new RegExp(`^wss?://${host.replaceAll('.', '\\.')}:${port}/`), (ws) => ws.close())
    const pageA = await a.newPage()
    const pageB = await b.newPage()
    await pageA.goto(validator.url)
    await pageB.goto(`${validator.url}?bootstrap=${encodeURIComponent(viaProxy)}`)
    for (const page of [pageA, pageB]) {
      await page.getByTestId('start').click()
    }
    // Each page holds a relay reservation, asks the validator for other pages and dials one.
    for (const page of [pageA, pageB]) {
      await expect(network(page)).toContainText('1 validator, 1 other browser', { timeout: 60_000 })
    }
    await expect
      .poll(async () => Number(await pageA.getByTestId('accepted').textContent()))
      .toBeGreaterThan(0)

    await proxy.close()
    await expect(network(pageB)).toContainText('0 validators, 1 other browser')
    const before = await relayedOffers(pageB)
    // The validator re-publishes its offers every second: B hears them from A alone now.
    await expect.poll(() => relayedOffers(pageB), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 5)
    // and still has no validator: every one of those came over WebRTC from A.
    await expect(network(pageB)).toContainText('0 validators')
  } finally {
    await a.close()
    await b.close()
  }
})
