import { describe, expect, it } from 'vitest'
import { computePayouts, formatTao, parseTao, weightsVector } from './settlement.ts'

describe('settlement', () => {
  it('splits the pool pro rata of all verified credit, paying claimed shares exactly', () => {
    const payouts = computePayouts(
      3,
      [
        { address: 'a', credit: 1 },
        { address: 'b', credit: 1 },
        { address: 'c', credit: 1 },
      ],
      3,
      100n,
    )
    // 100 / 3 each: 33 rao, and the one leftover rao goes to the largest remainder (ties by address).
    expect(payouts.map((p) => p.amount)).toEqual([34n, 33n, 33n])
    expect(payouts.reduce((s, p) => s + p.amount, 0n)).toBe(100n)
  })

  it('leaves unclaimed credit unpaid', () => {
    const payouts = computePayouts(0, [{ address: 'a', credit: 1 }], 4, 1000n)
    expect(payouts).toEqual([{ epoch: 0, address: 'a', credit: 1, amount: 250n }])
  })

  it('pays nothing for an epoch without credit', () => {
    expect(computePayouts(0, [], 0, 1000n)).toEqual([])
  })

  it('normalises weights so the largest uid gets u16::MAX', () => {
    const payouts = [
      { epoch: 0, address: 'a', credit: 3, amount: 300n },
      { epoch: 0, address: 'b', credit: 1, amount: 100n },
      { epoch: 0, address: 'c', credit: 1, amount: 100n },
    ]
    const uids = new Map([
      ['a', 7],
      ['b', 2],
    ])
    expect(weightsVector(payouts, uids)).toEqual({ uids: [2, 7], weights: [21845, 65535] })
  })

  it('reads and prints TAO amounts exactly', () => {
    expect(parseTao('1')).toBe(1_000_000_000n)
    expect(parseTao('0.000000001')).toBe(1n)
    expect(formatTao(1_500_000_000n)).toBe('1.5')
    expect(() => parseTao('1.0000000001')).toThrow(RangeError)
    expect(() => parseTao('-1')).toThrow(RangeError)
  })
})
