/**
 * The rewards half of the widget: connect a wallet, review exactly what will be signed, sign, send
 * the claim, and show the validator's acknowledgment and the claim history. Wallet code is loaded
 * only when the user presses Connect.
 */
import type { BootstrapInfo } from '../client/bootstrap.ts'
import type { PreparedClaim } from '../client/claims.ts'
import type { ReceiptStore } from '../client/receipt-store.ts'
import type { ClaimRejectionReason } from '../protocol/types.ts'
import type { WalletAccount } from '../wallet/extension.ts'
import { formatCredit } from './earnings.ts'

export const REWARDS_TEMPLATE = `
<section class="rewards">
  <h3>Rewards</h3>
  <p class="explain">
    Verified shards earn this browser a share of the validator's pool. To get paid, bind them to your
    wallet address with a claim your wallet signs. Signing costs nothing and moves no funds.
  </p>
  <p class="claimable" data-testid="claimable"></p>
  <div class="controls">
    <button type="button" data-testid="connect-wallet">Connect wallet</button>
    <label class="account" hidden>Account <select data-testid="account"></select></label>
    <button type="button" data-testid="review-claim" hidden>Review claim</button>
  </div>
  <div class="preview" data-testid="claim-preview" tabindex="-1" hidden>
    <p>Your wallet will be asked to sign exactly this text:</p>
    <dl data-field="claim-fields"></dl>
    <div class="controls">
      <button type="button" data-testid="sign-claim">Sign and claim</button>
      <button type="button" data-testid="cancel-claim">Cancel</button>
    </div>
  </div>
  <p class="wallet-status" data-testid="wallet-status" role="status"></p>
  <p class="ack" data-testid="claim-ack" tabindex="-1" hidden></p>
  <h4>Claim history</h4>
  <ol class="history" data-testid="claim-history"></ol>
</section>`

const REJECTION_TEXT: Record<ClaimRejectionReason, string> = {
  'bad-request': 'The validator could not read the claim.',
  'bad-signature': 'The signature does not match the payout address.',
  'wrong-peer': 'This claim must be sent from the browser that did the work.',
  'wrong-validator': 'This claim was made for another validator.',
  'wrong-subnet': 'This claim was made for another subnet.',
  expired: 'The claim expired before it reached the validator. Review and sign again.',
  replayed: 'This exact claim was already submitted.',
  'root-mismatch': 'The receipts sent do not match the signed claim.',
  'unknown-receipt': 'The validator does not recognise some of these receipts as yours.',
  'already-claimed': 'These receipts were already claimed (perhaps from another tab).',
  'outside-window': 'The claim window for these receipts has closed.',
}

export interface RewardsContext {
  root: ShadowRoot
  store: ReceiptStore
  /** The validator this widget talks to (resolved once). */
  bootstrap(): Promise<BootstrapInfo>
  /** The same, asked again now: for the validator's current epoch. */
  freshBootstrap(): Promise<BootstrapInfo>
  /** The validator's site (its /api/directory lists the other validators). */
  validatorUrl(): string
}

export class RewardsPanel {
  #ctx: RewardsContext
  #accounts: WalletAccount[] = []
  /** One claim per validator this browser has unclaimed receipts from, reviewed and signed together. */
  #prepared: Array<{ claim: PreparedClaim; multiaddrs: string[] }> | undefined

  constructor(ctx: RewardsContext) {
    this.#ctx = ctx
    this.#el('connect-wallet').addEventListener('click', () => void this.connect())
    this.#el('review-claim').addEventListener('click', () => void this.review())
    this.#el('sign-claim').addEventListener('click', () => void this.sign())
    this.#el('cancel-claim').addEventListener('click', () => this.#hidePreview())
    this.#el<HTMLSelectElement>('account').addEventListener('change', async (e) => {
      const { rememberAccount } = await import('../wallet/extension.ts')
      rememberAccount((e.target as HTMLSelectElement).value)
    })
    void this.refresh()
  }

  /** Re-reads unclaimed receipts and the claim history from the browser's store. */
  async refresh(): Promise<void> {
    const info = await this.#ctx.bootstrap().catch(() => undefined)
    const receipts = (await this.#ctx.store.list()).filter((r) => r.claimId == null)
    const credit = receipts.reduce((s, r) => s + r.credit, 0)
    const validators = new Set(receipts.map((r) => r.validator))
    this.#el('claimable').textContent =
      receipts.length === 0
        ? 'No unclaimed receipts yet: contribute first.'
        : `Unclaimed: ${receipts.length} receipts, ${formatCredit(credit)} GFLOP of verified work` +
          (validators.size > 1 || !validators.has(info?.peerId ?? '')
            ? `, from ${validators.size} validator${validators.size === 1 ? '' : 's'}.`
            : '.')
    const claims = (await this.#ctx.store.claims()).sort((a, b) => b.recordedAt - a.recordedAt)
    const list = this.#el('claim-history')
    list.replaceChildren(
      ...claims.map((c) => {
        const li = document.createElement('li')
        li.textContent = `${new Date(c.recordedAt).toLocaleString()}: ${c.receipts} receipts, ${formatCredit(c.credit)} GFLOP, epochs ${c.epochs.join(', ')}, to ${c.address} (claim ${c.claimId})`
        return li
      }),
    )
  }

  async connect(): Promise<void> {
    this.#status('Connecting to your wallet…')
    try {
      const { connectWallet, rememberedAccount } = await import('../wallet/extension.ts')
      this.#accounts = await connectWallet()
      const select = this.#el<HTMLSelectElement>('account')
      select.replaceChildren(
        ...this.#accounts.map((a) => {
          const option = document.createElement('option')
          option.value = a.address
          option.textContent = `${a.name ?? 'Account'} (${a.address.slice(0, 8)}…${a.address.slice(-6)}) in ${a.source}`
          return option
        }),
      )
      const remembered = rememberedAccount()
      if (remembered && this.#accounts.some((a) => a.address === remembered)) select.value = remembered
      this.#show('.account', true)
      this.#el('review-claim').hidden = false
      this.#status(
        `Connected: ${this.#accounts.length} account(s). Choose the payout account, then review the claim.`,
      )
    } catch (err) {
      this.#status((err as Error).message)
    }
  }

  async review(): Promise<void> {
    this.#el('claim-ack').hidden = true
    try {
      const [
        { prepareClaim, NothingToClaimError },
        { describeClaim },
        { contributorPeerId },
        { knownValidators },
      ] = await Promise.all([
        import('../client/claims.ts'),
        import('../wallet/claim-message.ts'),
        import('../client/identity.ts'),
        import('./earnings.ts'),
      ])
      const info = await this.#ctx.bootstrap()
      if (info.peerId == null) throw new Error('the validator did not say its peer id')
      // A fresh epoch reading, so receipts whose claim window closed are left out.
      const live = await this.#ctx.freshBootstrap().catch(() => info)
      const window = live.claimEpochs
      const receipts = await this.#ctx.store.list()
      const contributor = await contributorPeerId()
      // Every validator this browser earned receipts from: this widget's own, and those the market
      // found (their subnet and addresses from the directory this validator keeps).
      const others = await knownValidators(this.#ctx.validatorUrl()).catch(() => [])
      const targets = [
        { validator: info.peerId, netuid: info.netuid, epoch: live.epoch, multiaddrs: info.multiaddrs },
        ...others.filter((v) => v.validator !== info.peerId),
      ]
      const prepared: Array<{ claim: PreparedClaim; multiaddrs: string[] }> = []
      for (const target of targets) {
        try {
          const claim = prepareClaim({
            receipts,
            netuid: target.netuid,
            validator: target.validator,
            contributor,
            payoutAddress: this.#el<HTMLSelectElement>('account').value,
            fromEpoch: target.epoch != null && window != null ? target.epoch - window : 0,
          })
          prepared.push({ claim, multiaddrs: target.multiaddrs })
        } catch (err) {
          if (!(err instanceof NothingToClaimError)) throw err
        }
      }
      if (prepared.length === 0) throw new NothingToClaimError('no unclaimed receipts yet')
      this.#prepared = prepared
      const fields = this.#el('claim-fields', 'data-field')
      fields.replaceChildren(
        ...prepared.flatMap(({ claim }, n) => [
          ...(prepared.length > 1
            ? [
                Object.assign(document.createElement('dt'), {
                  className: 'claim-heading',
                  textContent: `Claim ${n + 1} of ${prepared.length}`,
                }),
                Object.assign(document.createElement('dd'), {
                  textContent: `${formatCredit(claim.credit)} GFLOP with validator ${claim.message.validator}`,
                }),
              ]
            : []),
          ...describeClaim(claim.message).flatMap(({ label, value, meaning }) => {
            const dt = document.createElement('dt')
            dt.textContent = label
            const dd = document.createElement('dd')
            dd.textContent = value
            dd.dataset.claimField = label
            const small = document.createElement('small')
            small.textContent = meaning
            dd.append(document.createElement('br'), small)
            return [dt, dd]
          }),
        ]),
      )
      this.#el('claim-preview').hidden = false
      // Keyboard and screen-reader users land on what they are asked to sign.
      this.#el('claim-preview').focus()
      const total = prepared.reduce((sum, p) => sum + p.claim.credit, 0)
      this.#status(
        prepared.length === 1
          ? `Review the claim: ${formatCredit(total)} GFLOP of verified work to this address.`
          : `Review the ${prepared.length} claims, one per validator: ${formatCredit(total)} GFLOP of verified work to this address. Your wallet signs each.`,
      )
    } catch (err) {
      this.#status((err as Error).message)
    }
  }

  async sign(): Promise<void> {
    const prepared = this.#prepared
    const account = this.#accounts.find((a) => a.address === this.#el<HTMLSelectElement>('account').value)
    if (prepared == null || account == null) return
    this.#el<HTMLButtonElement>('sign-claim').disabled = true
    this.#status('Waiting for your wallet to sign…')
    try {
      const [{ signClaimBytes }, { submitClaim, ClaimRejectedError }, { connect }] = await Promise.all([
        import('../wallet/extension.ts'),
        import('../client/claims.ts'),
        import('../client/network.ts'),
      ])
      const signatures: Uint8Array[] = []
      for (const { claim } of prepared) signatures.push(await signClaimBytes(account, claim.bytes))
      this.#status(`Signed. Sending ${prepared.length === 1 ? 'the claim' : 'each claim'} to its validator…`)
      const node = await connect(await this.#ctx.bootstrap())
      const acks: string[] = []
      const refused: string[] = []
      for (const [n, { claim, multiaddrs }] of prepared.entries()) {
        try {
          const { body } = await submitClaim(node, claim, signatures[n], this.#ctx.store, multiaddrs)
          acks.push(
            `${body.receipts} receipts, ${formatCredit(body.credit)} GFLOP, epochs ${body.epochs.join(', ')} (claim ${body.claimId}, validator ${claim.message.validator.slice(0, 8)}…)`,
          )
        } catch (err) {
          if (!(err instanceof ClaimRejectedError)) throw err
          refused.push(`${REJECTION_TEXT[err.reason]} (${err.message})`)
        }
      }
      // Refused or recorded, a signed claim cannot be signed again as it is: review builds fresh ones.
      this.#hidePreview()
      if (acks.length > 0) {
        const ackEl = this.#el('claim-ack')
        ackEl.textContent = `Claim recorded by the validator${acks.length > 1 ? 's' : ''}: ${acks.join('; ')}, payable to ${account.address}.`
        ackEl.hidden = false
        this.#status(
          refused.length === 0
            ? 'Claim recorded. Payouts are made when each epoch closes.'
            : `Claim refused by a validator: ${refused.join(' ')} The others were recorded.`,
        )
        // The preview that had focus is gone: keep it on the outcome.
        ackEl.focus()
      } else {
        this.#status(`Claim refused: ${refused.join(' ')}`)
        this.#el<HTMLButtonElement>('review-claim').focus()
      }
    } catch (err) {
      this.#status((err as Error).message)
    } finally {
      this.#el<HTMLButtonElement>('sign-claim').disabled = false
      await this.refresh()
    }
  }

  #hidePreview(): void {
    this.#el('claim-preview').hidden = true
    this.#prepared = undefined
  }

  #status(text: string): void {
    this.#el('wallet-status').textContent = text
  }

  #show(selector: string, visible: boolean): void {
    const el = this.#ctx.root.querySelector<HTMLElement>(`.rewards ${selector}`)
    if (el) el.hidden = !visible
  }

  #el<T extends HTMLElement = HTMLElement>(name: string, attr = 'data-testid'): T {
    return this.#ctx.root.querySelector<T>(`[${attr}="${name}"]`)!
  }
}
