/**
 * The open market in the page: three validator processes (two on subnet 1, one on subnet 2, pools
 * of 1, 4 and 2 TAO) that know each other (--peer). A page opened from the first learns the others
 * from the directory, earns receipts from at least two of them, shows the market, pins a subnet, and one
 * wallet claims from each validator in one review.
 */
import { expect, type Page, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { ALICE, launchWithWallet } from './wallet.ts'

let validators: ValidatorProcess[] = []
test.afterEach(async () => {
  for (const v of validators) await v.stop()
  validators = []
})

const status = async (v: ValidatorProcess) => (await fetch(new URL('api/status', v.url))).json()
const claimsAt = async (v: ValidatorProcess) => (await fetch(new URL(`api/claims/${ALICE}`, v.url))).json()

async function market(): Promise<ValidatorProcess[]> {
  const first = await startValidatorProcess(['--pool', '1'])
  const { multiaddrs } = await (await fetch(new URL('api/bootstrap', first.url))).json()
  validators.push(first)
  validators.push(await startValidatorProcess(['--pool', '4', '--peer', multiaddrs[0]]))
  validators.push(await startValidatorProcess(['--pool', '2', '--netuid', '2', '--peer', multiaddrs[0]]))
  return validators
}

async function acceptedBy(vs: ValidatorProcess[]): Promise<number[]> {
  return Promise.all(vs.map(async (v) => (await status(v)).ledger.accepted as number))
}

test('a page opened from one validator finds the others, earns from two or more, and claims from each with one wallet', async () => {
  const vs = await market()
  // The first validator's directory lists all three (announcements travel between validators).
  await expect
    .poll(async () => (await (await fetch(new URL('api/directory', vs[0].url))).json()).validators.length, {
      timeout: 60_000,
    })
    .toBe(3)

  const { context, close } = await launchWithWallet()
  try {
    const page: Page = await context.newPage()
    await page.goto(vs[0].url)
    await page.getByTestId('start').click()
    const list = page.getByTestId('market').locator('li')
    await expect(list).toHaveCount(3, { timeout: 60_000 })
    await expect(page.getByTestId('market')).toContainText('Subnet 2')
    await expect(page.getByTestId('market-why')).toContainText('Working for')
    await expect
      .poll(async () => (await acceptedBy(vs)).filter((n) => n > 0).length, { timeout: 120_000 })
      .toBeGreaterThanOrEqual(2)

    // The visitor pins subnet 2: new work goes to its validator only. Shards already leased elsewhere
    // are still handed in: per lane, the one in hand and one granted with its last result (≤ 6 in
    // all, however long the pin holds; unpinned, the best paid validator would take most of them).
    await page.getByTestId('market-pin').selectOption('subnet:2')
    const pinnedAt = await acceptedBy(vs)
    await expect
      .poll(async () => (await acceptedBy(vs))[2] - pinnedAt[2], { timeout: 90_000 })
      .toBeGreaterThanOrEqual(15)
    const afterPin = await acceptedBy(vs)
    expect(afterPin[0] - pinnedAt[0] + afterPin[1] - pinnedAt[1]).toBeLessThanOrEqual(6)
    await page.getByTestId('market-pin').selectOption('')
    await page.getByTestId('stop').click()
    await expect(page.getByTestId('status')).toContainText('Stopped')

    const earned = await acceptedBy(vs)
    const from = vs.filter((_, i) => earned[i] > 0)
    await page.getByTestId('connect-wallet').click()
    await expect(page.getByTestId('account')).toHaveValue(ALICE)
    await page.getByTestId('review-claim').click()
    await expect(page.getByTestId('claim-preview')).toBeVisible()
    await expect(page.getByTestId('claim-preview')).toContainText(`Claim 1 of ${from.length}`)
    await page.getByTestId('sign-claim').click()
    await expect(page.getByTestId('claim-ack')).toContainText('Claim recorded by the validators')
    // Each validator recorded the claim of its own receipts, all payable to the one address.
    for (const [i, v] of vs.entries()) {
      const { claims } = await claimsAt(v)
      expect(claims.length).toBe(earned[i] > 0 ? 1 : 0)
    }
    const signed = await page.evaluate(
      () => (window as unknown as { __tesseraTestWallet: { signed: string[] } }).__tesseraTestWallet.signed,
    )
    expect(signed).toHaveLength(from.length)
  } finally {
    await close()
  }
})
