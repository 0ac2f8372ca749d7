import { expect, type Page, test } from '@playwright/test'
import { startValidatorProcess, type ValidatorProcess } from '../src/testing/validator-process.ts'
import { checkState } from './accessibility.ts'
import { expectSameCredit } from './credit.ts'
import { ALICE, launchWithWallet } from './wallet.ts'

let validator: ValidatorProcess

test.beforeAll(async () => {
  validator = await startValidatorProcess()
})
test.afterAll(async () => {
  await validator?.stop()
})

type Wallet = { authorize: boolean; sign: boolean; signed: string[] }

async function contribute(page: Page, shards: number): Promise<void> {
  await page.goto(validator.url)
  await page.getByTestId('start').click()
  await expect
    .poll(async () => Number(await page.getByTestId('accepted').textContent()), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(shards)
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('status')).toContainText('Stopped')
}

async function claimsOf(page: Page, address: string) {
  return (await page.request.get(new URL(`api/claims/${address}`, validator.url).toString())).json()
}

test('contribute, connect a wallet, review and sign a claim; the validator records it once', async () => {
  const { context, close } = await launchWithWallet()
  try {
    const page = await context.newPage()
    await contribute(page, 3)
    await expect(page.getByTestId('claimable')).toContainText('Unclaimed: ')

    await page.getByTestId('connect-wallet').click()
    await expect(page.getByTestId('wallet-status')).toContainText('Connected')
    await expect(page.getByTestId('account')).toHaveValue(ALICE)
    await page.getByTestId('review-claim').click()
    const preview = page.getByTestId('claim-preview')
    await expect(preview).toBeVisible()
    await expect(preview).toBeFocused()
    await expect(preview.locator('[data-claim-field="Payout address"]')).toContainText(ALICE)
    await checkState(page, 'claim-review')

    await page.getByTestId('sign-claim').click()
    await expect(page.getByTestId('claim-ack')).toContainText('Claim recorded by the validator')
    await expect(page.getByTestId('claim-ack')).toBeFocused()
    await expect(page.getByTestId('claim-history').locator('li')).toHaveCount(1)

    // The wallet signed exactly the text the page showed, field by field.
    const signed = await page.evaluate(
      () => (window as unknown as { __tesseraTestWallet: Wallet }).__tesseraTestWallet.signed,
    )
    expect(signed).toHaveLength(1)
    const text = Buffer.from(signed[0].slice(2), 'hex').toString('utf8')
    expect(text.split('\n')[0]).toBe('tessera-claim/1')
    expect(text).toContain(`Payout address: ${ALICE}`)

    const recorded = await claimsOf(page, ALICE)
    expect(recorded.claims).toHaveLength(1)
    const accepted = Number(await page.getByTestId('accepted').textContent())
    expect(text).toContain(`Receipts: ${accepted}`)
    expectSameCredit(Number(await page.getByTestId('credit').textContent()), recorded.claims[0].credit)

    // Another tab still believes these receipts are unclaimed: its claim is refused.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('tessera')
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
      const tx = db.transaction('receipts', 'readwrite')
      const store = tx.objectStore('receipts')
      const all = await new Promise<Array<Record<string, unknown>>>((resolve) => {
        const req = store.getAll()
        req.onsuccess = () => resolve(req.result)
      })
      for (const r of all) store.put({ ...r, claimId: undefined })
      await new Promise((resolve) => {
        tx.oncomplete = resolve
      })
    })
    await page.reload()
    await page.getByTestId('connect-wallet').click()
    await page.getByTestId('review-claim').click()
    await page.getByTestId('sign-claim').click()
    await expect(page.getByTestId('wallet-status')).toContainText('already claimed')
    // The refused claim's preview and its Sign button are gone; focus waits on Review.
    await expect(page.getByTestId('claim-preview')).toBeHidden()
    await expect(page.getByTestId('review-claim')).toBeFocused()
    expect((await claimsOf(page, ALICE)).claims).toHaveLength(1)
  } finally {
    await close()
  }
})

test('a signature the user declines claims nothing and says so', async () => {
  const { context, close } = await launchWithWallet()
  try {
    const page = await context.newPage()
    await contribute(page, 1)
    await page.getByTestId('connect-wallet').click()
    await page.getByTestId('account').selectOption('5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty')
    const bob = await page.getByTestId('account').inputValue()
    await page.getByTestId('review-claim').click()
    await page.evaluate(() => {
      ;(window as unknown as { __tesseraTestWallet: Wallet }).__tesseraTestWallet.sign = false
    })
    await page.getByTestId('sign-claim').click()
    await expect(page.getByTestId('wallet-status')).toContainText('You declined to sign')
    await expect(page.getByTestId('claim-ack')).toBeHidden()
    expect((await claimsOf(page, bob)).claims).toHaveLength(0)
    await expect(page.getByTestId('claimable')).toContainText('Unclaimed: ')
  } finally {
    await close()
  }
})

test('a wallet that refuses to connect the site is explained', async () => {
  const { context, close } = await launchWithWallet()
  try {
    const page = await context.newPage()
    await page.goto(validator.url)
    await page.evaluate(() => {
      ;(window as unknown as { __tesseraTestWallet: Wallet }).__tesseraTestWallet.authorize = false
    })
    await page.getByTestId('connect-wallet').click()
    await expect(page.getByTestId('wallet-status')).toContainText('did not allow this site')
  } finally {
    await close()
  }
})

test('without a wallet extension the page says what to install', async ({ page }) => {
  await page.goto(validator.url)
  await page.getByTestId('connect-wallet').click()
  await expect(page.getByTestId('wallet-status')).toContainText('No wallet extension found')
  await expect(page.getByTestId('review-claim')).toBeHidden()
})
