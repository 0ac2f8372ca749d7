/**
 * Which validators this browser has seen pay. A validator's announced pool is only its word: anyone
 * can announce a pool of a trillion TAO and never pay. Once this browser has claimed from a
 * validator and that validator's API shows a settled payout to the claimed address whose Merkle
 * proof verifies against the epoch's payout root, it has paid as its own published record says, and
 * the market believes its announcements (market.ts). Kept across visits.
 */
import { hexToU8a } from '@polkadot/util'
import { payoutLeaf, verifyMerkleProof } from '../wallet/merkle.ts'
import type { StoredClaim } from './receipt-store.ts'

export interface Proven {
  has(validator: string): boolean
  add(validator: string): void
  list(): string[]
}

const KEY = 'tessera.proven'
/** Validators remembered at most (a browser claims from a few). */
const MAX_PROVEN = 64

type KeyValue = Pick<Storage, 'getItem' | 'setItem'>

export function createProven(storage: KeyValue | undefined = globalThis.localStorage): Proven {
  const read = (): string[] => {
    try {
      const parsed = JSON.parse(storage?.getItem(KEY) ?? '[]')
      return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : []
    } catch {
      return []
    }
  }
  const known = new Set(read())
  return {
    has: (validator) => known.has(validator),
    add(validator) {
      if (known.has(validator)) return
      known.add(validator)
      storage?.setItem(KEY, JSON.stringify([...known].slice(-MAX_PROVEN)))
    },
    list: () => [...known],
  }
}

/** Whether `claims` (the body of GET api/claims/<address>) hold a payout to `address` with a valid proof. */
export function paidTo(address: string, claims: unknown): boolean {
  const payouts = (claims as { payouts?: unknown } | null)?.payouts
  if (!Array.isArray(payouts)) return false
  return payouts.slice(0, 1000).some((p: Record<string, unknown>) => {
    try {
      if (
        !Number.isSafeInteger(p.epoch) ||
        typeof p.amountRao !== 'string' ||
        !/^\d{1,30}$/.test(p.amountRao)
      )
        return false
      if (!Array.isArray(p.proof) || p.proof.length > 64 || typeof p.root !== 'string') return false
      const leaf = payoutLeaf(p.epoch as number, address, BigInt(p.amountRao))
      const proof = p.proof.map((node) => hexToU8a(String(node)))
      return BigInt(p.amountRao) > 0n && verifyMerkleProof(leaf, proof, hexToU8a(p.root))
    } catch {
      return false
    }
  })
}

export interface CheckPaymentsOptions {
  proven: Proven
  /** The claims this browser made (the receipt store's acknowledgments). */
  claims: StoredClaim[]
  /** A validator's HTTP API (`…/`), if known. */
  apiOf(validator: string): string | undefined
  fetch?: typeof fetch
}

/** Asks each validator this browser claimed from, and has not seen pay yet, whether it paid. */
export async function checkPayments(options: CheckPaymentsOptions): Promise<void> {
  const get = options.fetch ?? fetch
  const pairs = new Map<string, Set<string>>()
  for (const c of options.claims) {
    if (options.proven.has(c.validator)) continue
    pairs.set(c.validator, (pairs.get(c.validator) ?? new Set()).add(c.address))
  }
  for (const [validator, addresses] of pairs) {
    const api = options.apiOf(validator)
    if (api == null) continue
    for (const address of addresses) {
      const res = await get(new URL(`api/claims/${encodeURIComponent(address)}`, api), {
        signal: AbortSignal.timeout(10_000),
      })
      if (!res.ok) continue
      if (paidTo(address, await res.json())) {
        options.proven.add(validator)
        break
      }
    }
  }
}
