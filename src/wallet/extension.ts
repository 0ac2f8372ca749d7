/**
 * Browser wallet extensions (polkadot{.js}, Talisman, SubWallet all inject `window.injectedWeb3`):
 * discovery, accounts, the remembered choice, and signing a claim with `signRaw({ type: 'bytes' })`.
 */
import { web3Accounts, web3Enable, web3FromSource } from '@polkadot/extension-dapp'
import { hexToU8a, isHex, u8aToHex } from '@polkadot/util'
import { SS58_PREFIX } from './claim-message.ts'
import {
  AuthorizationRefusedError,
  NoAccountsError,
  NoExtensionError,
  SignatureRejectedError,
} from './errors.ts'

export const APP_NAME = 'Tessera'
const CHOICE_KEY = 'tessera.wallet.account'

export interface WalletAccount {
  address: string
  name?: string
  /** The extension that holds the key. */
  source: string
}

export async function connectWallet(): Promise<WalletAccount[]> {
  const enabled = await web3Enable(APP_NAME)
  if (enabled.length === 0) {
    const injected = (globalThis as { injectedWeb3?: Record<string, unknown> }).injectedWeb3 ?? {}
    throw Object.keys(injected).length === 0 ? new NoExtensionError() : new AuthorizationRefusedError()
  }
  const accounts = await web3Accounts({ ss58Format: SS58_PREFIX })
  if (accounts.length === 0) throw new NoAccountsError()
  return accounts.map((a) => ({ address: a.address, name: a.meta.name, source: a.meta.source }))
}

export function rememberAccount(address: string): void {
  localStorage.setItem(CHOICE_KEY, address)
}

export function rememberedAccount(): string | null {
  return localStorage.getItem(CHOICE_KEY)
}

/** Asks the wallet to sign `bytes` (it signs them wrapped in <Bytes>…</Bytes>); returns the signature. */
export async function signClaimBytes(account: WalletAccount, bytes: Uint8Array): Promise<Uint8Array> {
  const injector = await web3FromSource(account.source)
  const signRaw = injector.signer?.signRaw
  if (signRaw == null) throw new SignatureRejectedError(new Error(`${account.source} cannot sign raw data`))
  try {
    const { signature } = await signRaw({ address: account.address, data: u8aToHex(bytes), type: 'bytes' })
    if (!isHex(signature)) throw new RangeError('the wallet returned a signature that is not hex')
    return hexToU8a(signature)
  } catch (err) {
    throw new SignatureRejectedError(err)
  }
}
