/**
 * The directory of validators heard on `/tessera/directory/1`: each validator's latest signed
 * announcement, checked before it is kept or relayed. Validators and contributors install the same
 * topic validator, so an announcement that does not decode, is not signed by the validator it names,
 * or was not published by it, is rejected (and its sender scored down on the topic); an expired one
 * is ignored.
 */
import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import { rewardRate, StaleAnnouncementError, verifyAnnouncement } from '../protocol/announcement.ts'
import { DIRECTORY_TOPIC } from '../protocol/constants.ts'
import type { Announcement } from '../protocol/types.ts'

/** Validators remembered at most; the ones whose announcements expire first go first. */
const MAX_VALIDATORS = 256

export interface DirectoryEntry {
  announcement: Announcement
  /** The signed announcement as published, for /api/directory (readers check it themselves). */
  signed: Uint8Array
  /** TAO per GFLOP of verified credit this epoch (announcement.ts `rewardRate`). */
  rewardRate: number
  /**
   * Its rate is more than ABSURD_FACTOR times the median of the others': a pool nobody should
   * believe unpaid. Listed last, whatever it announces.
   */
  absurd: boolean
}

/** How far above the median of the other validators' rates an announcement stops being believable. */
export const ABSURD_FACTOR = 100

export interface Directory {
  /** Unexpired entries, best paying first. */
  list(): DirectoryEntry[]
  get(validator: string): DirectoryEntry | undefined
  /** Adds an announcement read elsewhere (another validator's /api/directory); false if not valid. */
  add(signed: Uint8Array): Promise<boolean>
  close(): void
}

export interface DirectoryOptions {
  now?: () => number
  onChange?: (entry: DirectoryEntry) => void
  /** A peer relayed an invalid announcement (gossipsub also scores it down). */
  onInvalid?: (peer: string) => void
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

export function createDirectory(pubsub: GossipSub, options: DirectoryOptions = {}): Directory {
  const now = options.now ?? Date.now
  const entries = new Map<string, DirectoryEntry>()
  // The topic validator has already checked the message the 'message' event then delivers.
  const checked = new WeakMap<Uint8Array, Announcement>()

  const keep = (announcement: Announcement, signed: Uint8Array) => {
    const known = entries.get(announcement.validator)
    if (known != null && known.announcement.issuedAt >= announcement.issuedAt) return
    const entry = { announcement, signed, rewardRate: rewardRate(announcement), absurd: false }
    entries.set(announcement.validator, entry)
    if (entries.size > MAX_VALIDATORS) {
      const first = [...entries.values()].sort(
        (a, b) => a.announcement.expiresAt - b.announcement.expiresAt,
      )[0]
      entries.delete(first.announcement.validator)
    }
    options.onChange?.(entry)
  }

  pubsub.topicValidators.set(DIRECTORY_TOPIC, async (peer, msg: Message) => {
    try {
      if (msg.type !== 'signed') throw new Error('unsigned gossip')
      const { body } = await verifyAnnouncement(msg.data, now())
      if (body.validator !== msg.from.toString()) throw new Error('announced by someone else')
      checked.set(msg.data, body)
      return TopicValidatorResult.Accept
    } catch (err) {
      if (err instanceof StaleAnnouncementError) return TopicValidatorResult.Ignore
      options.onInvalid?.(peer.toString())
      return TopicValidatorResult.Reject
    }
  })
  const onMessage = (evt: CustomEvent<Message>) => {
    const msg = evt.detail
    if (msg.topic !== DIRECTORY_TOPIC) return
    const body = checked.get(msg.data)
    if (body != null) keep(body, msg.data)
  }
  pubsub.addEventListener('message', onMessage)
  pubsub.subscribe(DIRECTORY_TOPIC)

  const live = () => {
    const at = now()
    for (const [key, entry] of entries) if (entry.announcement.expiresAt <= at) entries.delete(key)
    const list = [...entries.values()]
    for (const entry of list) {
      const others = list.filter((e) => e !== entry).map((e) => e.rewardRate)
      entry.absurd = others.length >= 2 && entry.rewardRate > ABSURD_FACTOR * median(others)
    }
    return list
  }

  return {
    // Best paying first, absurd announcements last: a made-up pool must not top the list.
    list: () => live().sort((a, b) => Number(a.absurd) - Number(b.absurd) || b.rewardRate - a.rewardRate),
    get(validator) {
      const entry = entries.get(validator)
      return entry != null && entry.announcement.expiresAt > now() ? entry : undefined
    },
    async add(signed) {
      try {
        keep((await verifyAnnouncement(signed, now())).body, signed)
        return true
      } catch {
        return false
      }
    },
    close() {
      pubsub.removeEventListener('message', onMessage)
      pubsub.topicValidators.delete(DIRECTORY_TOPIC)
      pubsub.unsubscribe(DIRECTORY_TOPIC)
    },
  }
}
