import { describe, expect, it } from 'vitest'
import type { WorkOffer } from '../protocol/types.ts'
import { createChoice } from './choice.ts'
import { createTrust, LEFT_BELOW } from './trust.ts'

const offer = (validator: string, kind = 'gemm'): WorkOffer => ({
  netuid: 1,
  validator,
  offerId: `${kind}.${validator}`,
  kind,
  kindVersion: 1,
  minFlops: 1,
  maxFlops: 1e9,
  expiresAt: Number.MAX_SAFE_INTEGER,
  epoch: 0,
  blobs: [],
  notes: {},
})

/** A sequence of "random" numbers: the first decides explore-or-not, the second which. */
const sequence = (...xs: number[]) => {
  let i = 0
  return () => xs[i++ % xs.length]
}

describe('where the next shard goes', () => {
  const rates: Record<string, number> = { a: 1, b: 4, c: 2 }
  const offers = [offer('a'), offer('b'), offer('c')]

  it('sends hardware to the job that pays most on top of its validator’s rate', () => {
    const choice = createChoice({
      throughput: () => 1e9,
      rate: () => 1,
      trust: createTrust(),
      random: sequence(0.9, 0),
    })
    const paying = {
      ...offer('a', 'infer'),
      offerId: 'job.1',
      notes: { job: '1', doing: 'Scoring text', rate: '3' },
    }
    const plain = { ...offer('a', 'infer'), offerId: 'job.2', notes: { job: '2', doing: 'Scoring text' } }
    const lying = { ...offer('a', 'infer'), offerId: 'job.3', notes: { rate: 'NaN' } }
    expect(choice.choose([plain, paying, lying])?.offerId).toBe('job.1')
    expect(choice.value(paying)).toBeCloseTo(4)
    expect(choice.value(lying)).toBeCloseTo(1)
  })

  it('values a kind at what the device and the link together deliver, not at the device alone', () => {
    // A 1 TFLOP/s GPU behind 10 Mbit/s up, 50 down: gemm returns one byte per 2,048 FLOPs, training
    // with local steps one per 200,000.
    const intensity = (kind: string) =>
      kind === 'gemm'
        ? { flopsPerByteUp: 2048, flopsPerByteDown: 2048 }
        : { flopsPerByteUp: 200_000, flopsPerByteDown: 1e6 }
    const link = { uplink: 1.25e6, downlink: 6.25e6 }
    const choice = createChoice({
      throughput: (kind) => (kind === 'gemm' ? 1e12 : 0.5e12),
      rate: () => 1,
      trust: createTrust(),
      link: () => link,
      intensity,
      random: sequence(0.9, 0),
    })
    const gemm = offer('a', 'gemm')
    const train = offer('a', 'train')
    // gemm: min(1e12, 1.25e6 × 2048, 6.25e6 × 2048) = 2.56 GFLOP/s; train: min(5e11, 2.5e11, 6.25e12).
    expect(choice.value(gemm)).toBeCloseTo(2.56)
    expect(choice.value(train)).toBeCloseTo(250)
    expect(choice.choose([gemm, train])?.kind).toBe('train')
    // On a link not measured yet, the device's rate alone decides.
    const unmeasured = createChoice({
      throughput: (kind) => (kind === 'gemm' ? 1e12 : 0.5e12),
      rate: () => 1,
      trust: createTrust(),
      link: () => ({ uplink: 0, downlink: 0 }),
      intensity,
      random: sequence(0.9, 0),
    })
    expect(unmeasured.choose([gemm, train])?.kind).toBe('gemm')
  })

  it('exploits the highest expected reward per second (throughput × rate × acceptance × trust)', () => {
    const choice = createChoice({
      throughput: () => 2e9,
      rate: (v) => rates[v],
      trust: createTrust(),
      random: sequence(0.9, 0),
    })
    expect(choice.choose(offers)?.validator).toBe('b')
    expect(choice.value(offers[1])).toBeCloseTo(2 * 4)
    // A kind this device runs three times faster beats a better rate on a slower kind.
    const byKind = createChoice({
      throughput: (kind) => (kind === 'infer' ? 3e9 : 1e9),
      rate: (v) => rates[v],
      trust: createTrust(),
      random: sequence(0.9, 0),
    })
    expect(byKind.choose([offer('b', 'gemm'), offer('c', 'infer')])?.offerId).toBe('infer.c')
  })

  it('explores one pick in five, uniformly', () => {
    const choice = createChoice({ throughput: () => 1e9, rate: (v) => rates[v], trust: createTrust() })
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 }
    for (let i = 0; i < 3000; i++) counts[choice.choose(offers)!.validator]++
    expect(counts.b / 3000).toBeGreaterThan(0.8)
    expect(counts.b / 3000).toBeLessThan(0.9)
    expect(counts.a).toBeGreaterThan(100)
    expect(counts.c).toBeGreaterThan(100)
  })

  it('moves to the next best when the best keeps refusing leases, and leaves one that rejects work', () => {
    const trust = createTrust()
    const choice = createChoice({
      throughput: () => 1e9,
      rate: (v) => rates[v],
      trust,
      random: sequence(0.9, 0),
    })
    // b pays 4, c pays 2: after enough refusals b's trust-weighted value drops under c's.
    for (let i = 0; i < 7; i++) trust.refused('b')
    expect(choice.choose(offers)?.validator).toBe('c')
    for (let i = 0; i < 3; i++) trust.rejected('c')
    expect(trust.score('c')).toBeLessThan(0.2)
    // Left: not even explored while its trust is that low.
    const exploring = createChoice({
      throughput: () => 1e9,
      rate: (v) => rates[v],
      trust,
      random: sequence(0, 0.99),
    })
    for (let i = 0; i < 20; i++) expect(exploring.choose(offers)?.validator).not.toBe('c')
  })

  it('a validator that never announced a rate counts at the median of the others', () => {
    const choice = createChoice({
      throughput: () => 1e9,
      rate: (v) => (v === 'x' ? undefined : rates[v]),
      trust: createTrust(),
      random: sequence(0.9, 0.99),
    })
    // Known: 1 (a) and 2 (c); x counts at 2 and ties with c, ahead of a (the tie goes to the draw).
    expect(choice.choose([offer('a'), offer('c'), offer('x')])?.validator).toBe('x')
  })
})

describe('trust', () => {
  it('falls with rejections, refusals and failures, recovers with accepted work and with time', () => {
    let now = 0
    const trust = createTrust({ halfLifeMs: 1000, now: () => now })
    trust.rejected('v')
    expect(trust.score('v')).toBeCloseTo(0.5)
    expect(trust.acceptance('v')).toBeCloseTo(0.8)
    trust.refused('v')
    trust.failed('v')
    expect(trust.score('v')).toBeCloseTo(0.5 * 0.9 * 0.7)
    trust.accepted('v')
    expect(trust.score('v')).toBeGreaterThan(0.5 * 0.9 * 0.7)
    const before = trust.score('v')
    now += 1000
    // Half of what was missing is forgiven per half-life.
    expect(trust.score('v')).toBeCloseTo(1 - (1 - before) / 2)
    expect(trust.score('never-seen')).toBe(1)
  })

  it('leaves a validator that refuses this contributor for its epoch at once', () => {
    const trust = createTrust()
    trust.banned('v')
    expect(trust.score('v')).toBeLessThan(LEFT_BELOW)
  })
})
