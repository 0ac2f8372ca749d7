/**
 * Paying a settled epoch on chain. Off by default: the embedded default is the ledger plus the payout
 * files. An operator who passes --chain-endpoint (a Subtensor or Substrate node's ws/wss RPC) and
 * --payout-seed-file (the pool's coldkey or a hot payout account, sr25519) gets one `utility.batchAll`
 * of `balances.transferKeepAlive` per epoch, and, with --hotkeys, a `subtensorModule.setWeights` call.
 */
import { ApiPromise, WsProvider } from '@polkadot/api'
import type { SubmittableExtrinsicFunction } from '@polkadot/api/types'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import type { Settlement } from './ledger/index.ts'

export interface ChainOptions {
  endpoint: string
  /** Secret URI of the paying account (mnemonic, or //Alice on a dev chain). */
  seed: string
  netuid: number
  /** Weights to set, from settlement.weightsVector; omitted when the operator maps no hotkeys. */
  weights?: { uids: number[]; weights: number[] }
  /** Subtensor's weights version key the subnet expects. */
  versionKey?: number
}

export interface ChainSubmission {
  payoutsTx?: string
  weightsTx?: string
}

export async function submitSettlementOnChain(
  settlement: Settlement,
  options: ChainOptions,
): Promise<ChainSubmission> {
  await cryptoWaitReady()
  const api = await ApiPromise.create({ provider: new WsProvider(options.endpoint), noInitWarn: true })
  try {
    const payer = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(options.seed)
    const out: ChainSubmission = {}
    if (settlement.payouts.length > 0) {
      const transfers = settlement.payouts.map((p) => api.tx.balances.transferKeepAlive(p.address, p.amount))
      out.payoutsTx = (await api.tx.utility.batchAll(transfers).signAndSend(payer)).toHex()
    }
    if (options.weights && options.weights.uids.length > 0) {
      // Subtensor's pallet is not in @polkadot/api's built-in augmentation; it is resolved from metadata.
      const setWeights = api.tx.subtensorModule?.setWeights as
        | SubmittableExtrinsicFunction<'promise'>
        | undefined
      if (setWeights == null) throw new Error(`${options.endpoint} has no subtensorModule.setWeights`)
      const tx = setWeights(
        options.netuid,
        options.weights.uids,
        options.weights.weights,
        options.versionKey ?? 0,
      )
      out.weightsTx = (await tx.signAndSend(payer)).toHex()
    }
    return out
  } finally {
    await api.disconnect()
  }
}
