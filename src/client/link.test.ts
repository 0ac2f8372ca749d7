import { describe, expect, it } from 'vitest'
import { createLinkMeter, deliverableFlops, MIN_SAMPLE_BYTES } from './link.ts'

describe('the link a contributor measures', () => {
  it('takes the least round trip seen as the latency, and never more than halves a transfer’s time', () => {
    const link = createLinkMeter()
    link.roundTrip(300)
    link.roundTrip(80)
    link.roundTrip(2000)
    // 1 MB in 880 ms, 80 of them latency: 1.25 MB/s.
    link.uploaded(1_000_000, 880)
    expect(link.uplink()).toBeCloseTo(1_250_000, -3)
    // A transfer within three round trips measured the latency: no sample.
    link.downloaded(100_000, 200)
    expect(link.downlink()).toBe(0)
    // One barely longer is halved at most.
    link.downloaded(100_000, 250)
    expect(link.downlink()).toBeCloseTo(100_000 / 0.17, -3)
  })

  it('times large transfers only, and follows a link that changes', () => {
    const link = createLinkMeter()
    link.uploaded(1000, 1000)
    expect(link.uplink()).toBe(0)
    link.uploaded(1_250_000, 1000)
    expect(link.uplink()).toBe(1_250_000)
    for (let i = 0; i < 20; i++) link.uploaded(625_000, 1000)
    expect(link.uplink()).toBeCloseTo(625_000, -3)
    link.downloaded(MIN_SAMPLE_BYTES, 1)
    expect(link.downlink()).toBe(MIN_SAMPLE_BYTES * 1000)
  })

  it('keeps a kind’s first shard (models, panels) apart from its steady state', () => {
    const link = createLinkMeter()
    link.shard('gemm', 1e9, 64e6, 1e5)
    expect(link.intensity('gemm')).toEqual({ flopsPerByteDown: 1e9 / 64e6, flopsPerByteUp: 1e4 })
    link.shard('gemm', 1e9, 1e5, 1e5)
    link.shard('gemm', 1e9, 1e5, 1e5)
    expect(link.intensity('gemm')).toEqual({ flopsPerByteDown: 1e4, flopsPerByteUp: 1e4 })
    expect(link.bytes().gemm).toMatchObject({ shards: 3, firstDown: 64e6, down: 64.2e6 })
    expect(link.intensity('infer')).toEqual({})
  })

  it('bounds delivered FLOP/s by the slower of device, uplink and downlink', () => {
    const home = { uplink: 1.25e6, downlink: 6.25e6 }
    expect(deliverableFlops(1e12, home, { flopsPerByteUp: 8192, flopsPerByteDown: 8192 })).toBe(1.25e6 * 8192)
    expect(deliverableFlops(1e12, home, { flopsPerByteUp: 1e7, flopsPerByteDown: 1e5 })).toBe(6.25e11)
    expect(deliverableFlops(1e12, home, { flopsPerByteUp: 1e7, flopsPerByteDown: 1e7 })).toBe(1e12)
    expect(deliverableFlops(1e12, { uplink: 0, downlink: 0 }, { flopsPerByteUp: 1 })).toBe(1e12)
  })
})
