/**
 * Adding a work kind is one definition plus one registry line on each side. `sum` (add two vectors,
 * verify by recomputation) is defined only here, handed to a real validator and a Node contributor
 * as their kind lists, and earns receipts end to end over libp2p without any other file knowing it.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import { Check, decodeWithin } from '../protocol/check.ts'
import { describeWorkKind } from '../testing/compliance.ts'
import { acceptedBodies, createHarness } from '../testing/test-support.ts'
import { CONTRIBUTOR_KINDS } from './contributor-kinds.ts'
import type { ContributorKind, PayloadCodec, ValidatorKind, WorkKind } from './kind.ts'
import { createPrng, mixSeed } from './prng.ts'
import { VALIDATOR_KINDS } from './validator-kinds.ts'

interface SumGrant {
  x: Float32Array
  y: Float32Array
}
interface SumResult {
  z: Float32Array
}

const MAX_N = 4096

/** [n: u32][n f32 values]... little-endian. */
function vectors(name: string, count: number): PayloadCodec<Float32Array[]> {
  return {
    maxBytes: 4 + count * 4 * MAX_N,
    encode(vs) {
      const out = new Uint8Array(4 + vs.length * 4 * vs[0].length)
      new DataView(out.buffer).setUint32(0, vs[0].length, true)
      for (const [i, v] of vs.entries())
        out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 4 + i * 4 * v.length)
      return out
    },
    decode(bytes) {
      return decodeWithin(name, this.maxBytes, bytes, (b) => {
        const c = new Check(name)
        if (b.byteLength < 4) c.fail('n', 'is missing')
        const n = c.int('n', new DataView(b.buffer, b.byteOffset).getUint32(0, true), 1, MAX_N)
        return Array.from({ length: count }, (_, i) =>
          c.f32(`v${i}`, b.subarray(4 + i * 4 * n, 4 + (i + 1) * 4 * n), n),
        )
      })
    },
  }
}

const grantVectors = vectors('SumGrant', 2)
const resultVectors = vectors('SumResult', 1)

const sum: WorkKind<SumGrant, SumResult> = {
  name: 'sum',
  version: 1,
  grant: {
    maxBytes: grantVectors.maxBytes,
    encode: (g) => grantVectors.encode([g.x, g.y]),
    decode: (b) => {
      const [x, y] = grantVectors.decode(b)
      return { x, y }
    },
  },
  result: {
    maxBytes: resultVectors.maxBytes,
    encode: (r) => resultVectors.encode([r.z]),
    decode: (b) => ({ z: resultVectors.decode(b)[0] }),
  },
  cost: (g) => g.x.length,
}

const reference = (g: SumGrant) => ({ z: g.x.map((v, i) => v + g.y[i]) })

const sumContributor: ContributorKind<SumGrant, SumResult> = {
  ...sum,
  canRun: () => true,
  execute: async (g) => reference(g),
}

const sumValidator: ValidatorKind<SumGrant, SumResult> = {
  ...sum,
  async createSource({ seed, cursor }) {
    let next = Number((await cursor('sum.cursor')) ?? 0)
    const grantOf = (first: number, n: number) => {
      const random = createPrng(mixSeed(seed, first))
      return { x: Float32Array.from({ length: n }, random), y: Float32Array.from({ length: n }, random) }
    }
    const shardOf = (first: number, n: number) => ({
      shardId: `sum.${first}.${n}`,
      offerId: 'sum',
      grant: grantOf(first, n),
      flops: n,
    })
    return {
      offers: () => [{ offerId: 'sum', blobs: [], minFlops: 1, maxFlops: MAX_N }],
      next(_offerId, flops) {
        const n = Math.max(1, Math.min(MAX_N, Math.round(flops)))
        const shard = { ...shardOf(next, n), cursor: { key: 'sum.cursor', value: String(next + n) } }
        next += n
        return shard
      },
      restore(shardId) {
        const m = /^sum\.(\d+)\.(\d+)$/.exec(shardId)
        return m == null ? undefined : shardOf(Number(m[1]), Number(m[2]))
      },
      async verify(shard, { z }) {
        const want = reference(shard.grant).z
        if (z.length !== want.length)
          return { ok: false, reason: 'wrong-shape', message: `${z.length} values for ${want.length}` }
        if (!z.every(Number.isFinite)) return { ok: false, reason: 'non-finite', message: 'NaN or Inf' }
        return z.every((v, i) => Math.abs(v - want[i]) <= 1e-6 * Math.abs(want[i]))
          ? { ok: true, quality: 1, detail: 'recomputed' }
          : { ok: false, reason: 'verification-failed', message: 'sums differ' }
      },
    }
  },
  conformance: {
    config: undefined,
    perturb: ({ z }) => ({ z: z.map((v, i) => (i === 0 ? v + 1 : v)) }),
    reshape: ({ z }) => ({ z: z.slice(1) }),
    poison: ({ z }) => ({ z: z.map((v, i) => (i === 0 ? Number.NaN : v)) }),
    work: (g) => g.x.length,
  },
}

describeWorkKind(sumValidator, sumContributor, {
  configDir: join(import.meta.dirname, '..', '..'),
  runtimes: () => ({ engine: createCpuEngine() }),
})

const harness = createHarness()
afterEach(() => harness.cleanup())

describe('a work kind defined outside the registries', () => {
  it('runs end to end through a real validator and a Node contributor', async () => {
    const validator = await harness.startValidator({ kinds: [...VALIDATOR_KINDS, sumValidator] })
    const node = await harness.contributorNode(validator)
    const { events } = await harness.contribute(
      node,
      (events) => acceptedBodies(events).filter((b) => b.kind === 'sum').length >= 3,
      { kinds: [...CONTRIBUTOR_KINDS, sumContributor] },
    )
    const sums = acceptedBodies(events).filter((b) => b.kind === 'sum')
    expect(sums.every((b) => b.offerId === 'sum' && b.flops >= 1)).toBe(true)
    expect((await validator.status()).ledger.byKind.sum).toBeGreaterThanOrEqual(3)

    // A contributor that does not know the kind leaves its offers alone and is not harmed.
    const other = await harness.contributorNode(validator)
    const { events: plain } = await harness.contribute(other, { type: 'accepted', count: 3 })
    expect(acceptedBodies(plain).every((b) => b.kind === 'gemm')).toBe(true)
    expect(plain.some((e) => e.type === 'error')).toBe(false)
  })
})
