/**
 * Settles every epoch whose claim window has closed, and pays settled epochs on chain when an
 * endpoint is configured. Settlement and payment are recorded apart: a payment that fails is retried
 * on the next tick, and one that succeeded is never sent again.
 */
import { join } from 'node:path'
import { type ChainOptions, submitSettlementOnChain } from './chain.ts'
import type { EpochClock } from './epochs.ts'
import type { JobStore, SettlementStore } from './ledger/index.ts'
import { settleEpoch, weightsVector } from './settlement.ts'

export interface SettlementLoopOptions {
  settlements: SettlementStore
  epochs: EpochClock
  netuid: number
  claimEpochs: number
  poolRao: bigint
  dataDir: string
  hotkeys?: Map<string, number>
  /** Requesters' jobs, whose rewards settlements pay. */
  jobs?: JobStore
  chain?: Omit<ChainOptions, 'netuid' | 'weights'>
  intervalMs: number
  log: (message: string) => void
  /** Pays one settlement; the default submits it through @polkadot/api. */
  pay?: typeof submitSettlementOnChain
}

export interface SettlementLoop {
  /** Settles due epochs and retries unpaid ones; returns the epochs settled now. */
  settleDue(): Promise<number[]>
  stop(): Promise<void>
}

export function startSettlementLoop(options: SettlementLoopOptions): SettlementLoop {
  const { settlements, epochs, chain } = options
  const pay = options.pay ?? submitSettlementOnChain

  async function payUnpaid(): Promise<void> {
    for (const epoch of await settlements.unpaidOnChain()) {
      const settlement = (await settlements.get(epoch))!
      if (chain == null) {
        await settlements.markPaidOnChain(epoch, Date.now(), 'not paid on chain: no endpoint configured')
        continue
      }
      try {
        const weights = options.hotkeys ? weightsVector(settlement.payouts, options.hotkeys) : undefined
        const txs = await pay(settlement, { ...chain, netuid: options.netuid, weights })
        await settlements.markPaidOnChain(epoch, Date.now(), JSON.stringify(txs))
        options.log(`epoch ${epoch} paid on chain: ${JSON.stringify(txs)}`)
      } catch (err) {
        options.log(`paying epoch ${epoch} on chain failed, will retry: ${(err as Error).message}`)
        return
      }
    }
  }

  let running: Promise<number[]> | undefined
  const settleDue = () => {
    // Another process of the pool settling and paying right now: its work, not ours, this tick.
    running ??= settlements
      .exclusively(async () => {
        const done: number[] = []
        for (const epoch of await settlements.unsettledEpochs(epochs.current() - options.claimEpochs)) {
          await settleEpoch({
            settlements,
            epoch,
            pool: options.poolRao,
            netuid: options.netuid,
            outDir: join(options.dataDir, 'payouts'),
            uids: options.hotkeys,
            jobs: options.jobs,
            log: options.log,
          })
          options.log(`settled epoch ${epoch}`)
          done.push(epoch)
        }
        await payUnpaid()
        return done
      })
      .then((done) => done ?? [])
      .finally(() => {
        running = undefined
      })
    return running
  }
  const timer = setInterval(
    () => void settleDue().catch((err) => options.log(`settlement failed: ${(err as Error).message}`)),
    options.intervalMs,
  )
  return {
    settleDue,
    async stop() {
      clearInterval(timer)
      await running?.catch(() => {})
    },
  }
}
