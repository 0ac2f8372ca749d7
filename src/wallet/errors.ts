/** No wallet extension injected itself into the page. */
export class NoExtensionError extends Error {
  static override name = 'NoExtensionError'
  override name = 'NoExtensionError'

  constructor() {
    super('No wallet extension found. Install polkadot{.js}, Talisman or SubWallet, then reload this page.')
  }
}

/** An extension is installed but did not authorize this site. */
export class AuthorizationRefusedError extends Error {
  static override name = 'AuthorizationRefusedError'
  override name = 'AuthorizationRefusedError'

  constructor() {
    super('Your wallet did not allow this site to connect. Open the extension, allow Tessera, and try again.')
  }
}

/** The wallet is connected but shares no accounts with this site. */
export class NoAccountsError extends Error {
  static override name = 'NoAccountsError'
  override name = 'NoAccountsError'

  constructor() {
    super(
      'Your wallet shares no accounts with this site. Create or import an account, or allow one for Tessera.',
    )
  }
}

/** The signer threw: wallets word a refusal differently, so any error from signing counts as one. */
export class SignatureRejectedError extends Error {
  static override name = 'SignatureRejectedError'
  override name = 'SignatureRejectedError'

  constructor(cause: unknown) {
    super('You declined to sign, so nothing was claimed. You can review the claim and sign again.', { cause })
  }
}
