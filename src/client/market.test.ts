/**
 * The open market in process: three validators on two subnets that pay different rates, connected
 * to each other, and Node contributors of different speeds that each know only one validator. The
 * contributors learn the others from the directory topic, work mostly where a GFLOP pays most, and
 * leave a validator that rejects correct work.
 */
import '../validator/polyfills.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { createCpuEngine } from '../gpu/cpu-engine.ts'
import { createHarness, waitFor } from '../testing/test-support.ts'
import { RAO_PER_TAO } from '../validator/settlement.ts'
import type { Validator } from '../validator/validator.ts'
import type { AnyValidatorKind } from '../work/kind.ts'
import { VALIDATOR_KINDS } from '../work/validator-kinds.ts'
import { type Contributor, createContributor } from './contributor.ts'
import { startMarket } from './market.ts'
import { createProven } from './proven.ts'

const harness = createHarness()
afterEach(() => harness.cleanup())

/** gemm as a validator that rejects every result, correct or not. */
const CHEATING_KINDS: AnyValidatorKind[] = VALIDATOR_KINDS.map((kind) =>
  kind.name !== 'gemm'
    ? kind
    : {
        ...kind,
        async createSource(context) {
          const source = await kind.createSource(context)
          return (
            source && {
              ...source,
              verify: async () => ({ ok: false, reason: 'verification-failed', message: 'rejected anyway' }),
            }
          )
        },
      },
)

async function network(pools: number[], netuids: number[], kinds?: Array<AnyValidatorKind[] | undefined>) {
  const validators: Validator[] = []
  for (const [i, pool] of pools.entries()) {
    validators.push(
      await harness.startValidator({
        netuid: netuids[i],
        poolRao: BigInt(pool) * RAO_PER_TAO,
        directoryIntervalMs: 200,
        ...(kinds?.[i] != null ? { kinds: kinds[i] } : {}),
      }),
    )
  }
  // Validators meet each other (--peer): announcements travel between them.
  for (const v of validators.slice(1)) await v.node.dial(multiaddr(validators[0].multiaddrs()[0]))
  return validators
}

/** Validators a browser has seen pay (as if it had claimed from each before). */
function paid(...validators: Validator[]) {
  const proven = createProven(undefined)
  for (const v of validators) proven.add(v.peerId.toString())
  return proven
}

/**
 * A Node contributor that knows one validator; `slowdown` makes its engine that many times slower;
 * `proven` are the validators it has seen pay.
 */
async function contributorOf(first: Validator, slowdown = 1, proven = paid()) {
  const node = await harness.contributorNode(first)
  let contributor: Contributor | undefined
  const market = startMarket({ node, proven, onSubnet: (netuid) => contributor?.watchSubnet(netuid) })
  const cpu = createCpuEngine()
  const engine = {
    ...cpu,
    name: cpu.name,
    description: cpu.description,
    async matmul(a: Float32Array, b: Float32Array, m: number, n: number, k: number) {
      const started = performance.now()
      const c = await cpu.matmul(a, b, m, n, k)
      if (slowdown > 1)
        await new Promise((r) => setTimeout(r, (performance.now() - started) * (slowdown - 1)))
      return c
    },
  }
  const byValidator = new Map<string, number>()
  contributor = createContributor({
    node,
    netuid: 1,
    runtimes: { engine },
    rate: market.rate,
    onEvent: (e) => {
      if (e.type === 'accepted')
        byValidator.set(e.receipt.body.validator, (byValidator.get(e.receipt.body.validator) ?? 0) + 1)
    },
  })
  contributor.start()
  return {
    node,
    market,
    contributor,
    byValidator,
    async stop() {
      await contributor!.stop()
      market.stop()
    },
  }
}

describe('the open market', () => {
  it('contributors that know one validator find the others and work mostly where a GFLOP pays most', async () => {
    // Subnet 1: pools 1 and 8 TAO; subnet 2: 2 TAO. Equal work, so the 8 TAO validator pays most.
    const [low, high, other] = await network([1, 8, 2], [1, 1, 2])
    // Seen paying before: what they announce is believed.
    const fast = await contributorOf(low, 1, paid(low, high, other))
    const slow = await contributorOf(low, 4, paid(low, high, other))
    try {
      for (const c of [fast, slow]) {
        await waitFor(() => c.market.directory.list().length === 3, 15_000)
        // It heard subnet 2's offers too, from a validator it was never told about.
        await waitFor(() => c.contributor.offers().some((o) => o.netuid === 2), 15_000)
      }
      const total = (c: typeof fast) => [...c.byValidator.values()].reduce((a, b) => a + b, 0)
      await waitFor(() => total(fast) >= 60 && total(slow) >= 20, 60_000)
      for (const c of [fast, slow]) {
        const share = (v: Validator) => (c.byValidator.get(v.peerId.toString()) ?? 0) / total(c)
        // Exploitation goes to the best rate; exploration (20% of picks) spreads the rest.
        expect(share(high)).toBeGreaterThan(0.5)
        expect(share(high)).toBeGreaterThan(share(low))
        expect(share(high)).toBeGreaterThan(share(other))
      }
      // What the directory says each pays: the pool over the epoch's credit so far.
      const rates = Object.fromEntries(
        fast.market.directory.list().map((e) => [e.announcement.validator, e.rewardRate]),
      )
      expect(rates[high.peerId.toString()]).toBeGreaterThan(0)
    } finally {
      await fast.stop()
      await slow.stop()
    }
  }, 120_000)

  it('a made-up pool does not move the work: unproven, it counts as less than what the validators seen paying announce', async () => {
    const [low, high, liar] = await network([1, 8, 999_999_999_999], [1, 1, 1])
    const c = await contributorOf(low, 1, paid(low, high))
    try {
      await waitFor(() => c.market.directory.list().length === 3, 15_000)
      // Listed last and marked, by the page's directory and by the validators' /api/directory.
      const last = c.market.directory.list().at(-1)!
      expect(last).toMatchObject({ absurd: true, announcement: { validator: liar.peerId.toString() } })
      const listed = (await high.api.directory('')) as {
        validators: Array<{ validator: string; absurd: boolean }>
      }
      expect(listed.validators.at(-1)).toMatchObject({ validator: liar.peerId.toString(), absurd: true })
      const rate = (v: Validator) => c.market.rate(v.peerId.toString())!
      expect(rate(liar)).toBeLessThan(rate(high))
      // Counted once every validator's offers reached the contributor: before that, shards of a few
      // milliseconds all go to the one validator it knew.
      const offering = () => new Set(c.contributor.offers().map((o) => o.validator)).size
      await waitFor(() => offering() === 3, 15_000)
      c.byValidator.clear()
      await waitFor(() => [...c.byValidator.values()].reduce((a, b) => a + b, 0) >= 60, 60_000)
      const total = [...c.byValidator.values()].reduce((a, b) => a + b, 0)
      const share = (v: Validator) => (c.byValidator.get(v.peerId.toString()) ?? 0) / total
      expect(share(high)).toBeGreaterThan(0.5)
      // Exploration only (a fifth of picks, spread over three).
      expect(share(liar)).toBeLessThan(0.2)
    } finally {
      await c.stop()
    }
  }, 120_000)

  it('a validator that rejects correct work loses the contributor, which goes on elsewhere', async () => {
    // The cheat pays most on paper (8 TAO), and rejects everything it is sent.
    const [honest, cheat] = await network([1, 8], [1, 1], [undefined, CHEATING_KINDS])
    const c = await contributorOf(honest)
    try {
      await waitFor(() => c.market.directory.list().length === 2, 15_000)
      await waitFor(() => c.contributor.trust.score(cheat.peerId.toString()) < 0.2, 30_000)
      const cheated = (await cheat.status()).ledger.rejected
      const honestBefore = c.byValidator.get(honest.peerId.toString()) ?? 0
      await waitFor(() => (c.byValidator.get(honest.peerId.toString()) ?? 0) >= honestBefore + 20, 60_000)
      // Left: while its trust is low it gets no work at all, exploration included.
      expect((await cheat.status()).ledger.rejected - cheated).toBeLessThanOrEqual(3)
      expect(c.byValidator.get(cheat.peerId.toString()) ?? 0).toBe(0)
    } finally {
      await c.stop()
    }
  }, 120_000)
})
