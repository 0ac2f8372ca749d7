/**
 * The validator's part in the open market: it announces itself on the directory topic (subnet,
 * addresses, kinds and models, pool and the epoch's credit so far, signed) every `intervalMs` and
 * when a peer subscribes, and keeps the directory of every validator it hears, which /api/directory
 * shows. Pages start from any one validator and learn the rest from it.
 */
import type { PrivateKey } from '@libp2p/interface'
import { toString as bytesToString } from 'uint8arrays'
import { createDirectory, type Directory, type DirectoryEntry } from '../p2p/directory.ts'
import type { TesseraNode } from '../p2p/node-server.ts'
import { signAnnouncement } from '../protocol/announcement.ts'
import { DIRECTORY_TOPIC, MAX_ANNOUNCED_ADDRS, MAX_ANNOUNCEMENT_TTL_MS } from '../protocol/constants.ts'
import type { Announcement } from '../protocol/types.ts'
import { throttle } from './throttle.ts'

export interface DirectoryPublisherOptions {
  node: TesseraNode
  privateKey: PrivateKey
  /** The announcement's content now; the publisher adds the times. */
  announcement: () => Promise<Omit<Announcement, 'issuedAt' | 'expiresAt'>>
  intervalMs: number
  onInvalid?: (peer: string) => void
  onError?: (err: unknown) => void
}

export interface DirectoryPublisher {
  readonly directory: Directory
  /** What /api/directory answers: every validator known, this one included, best paying first. */
  list(): Array<Announcement & { rewardRate: number; absurd: boolean; signed: string }>
  stop(): Promise<void>
}

/** Rounds for new subscribers at most this often: a swarm subscribing costs one round a second. */
const SUBSCRIBER_GAP_MS = 1000
/** Each announcement lasts three rounds: one lost publication does not drop a validator. */
const ROUNDS_PER_TTL = 3

export function startDirectoryPublisher(options: DirectoryPublisherOptions): DirectoryPublisher {
  const { node } = options
  const pubsub = node.services.pubsub
  const directory = createDirectory(pubsub, { onInvalid: options.onInvalid })
  const ttl = Math.min(MAX_ANNOUNCEMENT_TTL_MS, ROUNDS_PER_TTL * options.intervalMs)
  let stopped = false

  const publish = async () => {
    const issuedAt = Date.now()
    const content = await options.announcement()
    const body: Announcement = {
      ...content,
      multiaddrs: content.multiaddrs.slice(0, MAX_ANNOUNCED_ADDRS),
      issuedAt,
      expiresAt: issuedAt + ttl,
    }
    const signed = await signAnnouncement(body, options.privateKey)
    if (stopped) return
    await directory.add(signed) // its own entry, for /api/directory
    await pubsub.publish(DIRECTORY_TOPIC, signed)
  }
  const round = () => void publish().catch((err) => options.onError?.(err))
  // A new subscriber hears of this validator within a second, however many subscribe at once.
  const soon = throttle(round, Math.min(SUBSCRIBER_GAP_MS, options.intervalMs))
  const timer = setInterval(round, options.intervalMs)
  const onSubscription = (
    evt: CustomEvent<{ subscriptions: Array<{ topic: string; subscribe: boolean }> }>,
  ) => {
    if (evt.detail.subscriptions.some((s) => s.topic === DIRECTORY_TOPIC && s.subscribe)) soon.call()
  }
  pubsub.addEventListener('subscription-change', onSubscription)
  round()

  return {
    directory,
    list: () =>
      directory.list().map((entry: DirectoryEntry) => ({
        ...entry.announcement,
        rewardRate: entry.rewardRate,
        absurd: entry.absurd,
        signed: bytesToString(entry.signed, 'base64'),
      })),
    async stop() {
      stopped = true
      clearInterval(timer)
      soon.cancel()
      pubsub.removeEventListener('subscription-change', onSubscription)
      directory.close()
    },
  }
}
