/**
 * Content script of the test wallet, run in the page's MAIN world at document_start, as polkadot{.js},
 * Talisman and SubWallet inject themselves. It holds the dev accounts //Alice and //Bob and signs raw
 * data the way those wallets do: the <Bytes>…</Bytes>-wrapped bytes.
 *
 * Knobs for tests, on window.__tesseraTestWallet: `authorize` (false: refuse to connect the site),
 * `sign` (false: the user cancels signing). `signed` records every payload it was asked to sign.
 */

import { injectExtension } from '@polkadot/extension-inject'
import type { InjectedAccount } from '@polkadot/extension-inject/types'
import { Keyring } from '@polkadot/keyring'
import { hexToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util'
import { cryptoWaitReady } from '@polkadot/util-crypto'

interface Control {
  authorize: boolean
  sign: boolean
  signed: string[]
}

const control: Control = { authorize: true, sign: true, signed: [] }
;(window as unknown as { __tesseraTestWallet: Control }).__tesseraTestWallet = control

const pairs = cryptoWaitReady().then(() => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  return [keyring.addFromUri('//Alice', { name: 'Alice' }), keyring.addFromUri('//Bob', { name: 'Bob' })]
})

let nextId = 0

injectExtension(
  async () => {
    if (!control.authorize) throw new Error('Rejected')
    const keys = await pairs
    const accounts: InjectedAccount[] = keys.map((p) => ({
      address: p.address,
      name: String(p.meta.name),
      type: 'sr25519',
    }))
    return {
      accounts: {
        get: async () => accounts,
        subscribe: (cb: (a: InjectedAccount[]) => void) => {
          cb(accounts)
          return () => {}
        },
      },
      signer: {
        signRaw: async ({ address, data }: { address: string; data: string }) => {
          if (!control.sign) throw new Error('Cancelled')
          const pair = keys.find((p) => p.address === address)
          if (pair == null) throw new Error(`no account ${address}`)
          control.signed.push(data)
          return { id: ++nextId, signature: u8aToHex(pair.sign(u8aWrapBytes(hexToU8a(data)))) }
        },
      },
    }
  },
  { name: 'tessera-test-wallet', version: '1.0.0' },
)
