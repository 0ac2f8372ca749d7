/**
 * The contributor's view of the open market: the directory of validators (every subnet) heard from
 * whichever validator it started with, the reward rate each announces, and connections to the ones
 * it does not know yet (so their offers reach it), up to `maxValidators`. The contributor's choice
 * (choice.ts) then sends each shard where it earns most.
 */
import { logger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { fromString } from 'uint8arrays'
import { createDirectory, type Directory, type DirectoryEntry, median } from '../p2p/directory.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import type { Proven } from './proven.ts'

const log = logger('tessera:market')

export interface MarketOptions {
  node: TesseraNode
  /** Validators this browser has seen pay (proven.ts); none when absent. */
  proven?: Proven
  /** A validator of another subnet was found: hear that subnet's offers too. */
  onSubnet(netuid: number): void
  /** Validators dialed at most besides those already connected: a page is not a crawler. */
  maxValidators?: number
}

export interface Market {
  readonly directory: Directory
  /**
   * TAO per GFLOP of this validator's work this epoch as far as this browser believes it: what it
   * announces if it has been seen to pay, else at most the median of those that have (of all, while
   * none has), discounted; undefined if it never announced itself.
   */
  rate(validator: string): number | undefined
  /** Whether this browser has seen the validator pay. */
  proven(validator: string): boolean
  /** How fast its epoch's credit grows (GFLOP/s), from its announcements this epoch; undefined before two. */
  creditRate(validator: string): number | undefined
  /** Reads another validator's /api/directory (signed announcements, each checked here). */
  seed(validatorUrl: string): Promise<void>
  stop(): void
}

/**
 * What an unproven validator's believed rate is multiplied by: between an announcement and one seen
 * paid, the page prefers the one that paid.
 */
export const UNPROVEN_DISCOUNT = 0.9

interface Sample {
  credit: number
  at: number
}

export function startMarket(options: MarketOptions): Market {
  const { node, proven } = options
  const max = options.maxValidators ?? 8
  const dialing = new Set<string>()
  let dialed = 0
  let stopped = false

  const connected = (peer: string) => node.getConnections().some((c) => c.remotePeer.toString() === peer)
  const reach = async (entry: DirectoryEntry) => {
    const { validator, multiaddrs } = entry.announcement
    if (validator === node.peerId.toString() || connected(validator) || dialing.has(validator)) return
    if (dialed >= max) return
    dialing.add(validator)
    try {
      for (const address of multiaddrs) {
        try {
          await node.dial(multiaddr(address), { signal: AbortSignal.timeout(10_000) })
          dialed++
          return
        } catch (err) {
          // The next address, else the next announcement; said for whoever debugs the page.
          log('dialing %s at %s failed: %e', validator, address, err)
        }
      }
    } finally {
      dialing.delete(validator)
    }
  }

  // Per validator: its first and latest announcement of the current epoch (bounded by the directory).
  const samples = new Map<string, { epoch: number; first: Sample; last: Sample }>()
  const sample = ({ announcement: a }: DirectoryEntry) => {
    const now = { credit: a.epochCredit, at: a.issuedAt }
    const known = samples.get(a.validator)
    if (known == null || known.epoch !== a.epoch)
      samples.set(a.validator, { epoch: a.epoch, first: now, last: now })
    else if (a.issuedAt > known.last.at) known.last = now
    if (samples.size > 256) samples.delete(samples.keys().next().value!)
  }

  const directory = createDirectory(node.services.pubsub, {
    onChange: (entry) => {
      sample(entry)
      if (stopped) return
      options.onSubnet(entry.announcement.netuid)
      void reach(entry)
    },
  })

  return {
    directory,
    rate(validator) {
      const entry = directory.get(validator)
      if (entry == null || proven?.has(validator)) return entry?.rewardRate
      const all = directory.list()
      const paid = all.filter((e) => proven?.has(e.announcement.validator)).map((e) => e.rewardRate)
      const cap = median(paid.length > 0 ? paid : all.map((e) => e.rewardRate))
      return Math.min(entry.rewardRate, cap) * UNPROVEN_DISCOUNT
    },
    proven: (validator) => proven?.has(validator) ?? false,
    creditRate(validator) {
      const s = samples.get(validator)
      if (s == null || s.last.at <= s.first.at) return undefined
      return Math.max(0, s.last.credit - s.first.credit) / ((s.last.at - s.first.at) / 1000)
    },
    async seed(validatorUrl) {
      const res = await fetch(new URL('api/directory', validatorUrl))
      if (!res.ok) return
      const body = (await res.json()) as { validators?: Array<{ signed?: unknown }> }
      for (const v of (body.validators ?? []).slice(0, 64)) {
        if (typeof v.signed !== 'string' || v.signed.length > 16_384) continue
        await directory.add(fromString(v.signed, 'base64'))
      }
    },
    stop() {
      stopped = true
      directory.close()
    },
  }
}
