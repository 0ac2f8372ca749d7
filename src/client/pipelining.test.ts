/**
 * Pipelining over a slow link: with a 120 ms round trip and shards of about 80 ms, a contributor that
 * waits for each result to land before computing again leaves its device idle most of the time;
 * three lanes (lease and upload while another lane computes, the next lease asked for with the
 * result) keep it busy. Real libp2p over WebSockets through a delaying TCP proxy.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, describe, expect, it } from 'vitest'
import { createServerNode } from '../p2p/node-server.ts'
import { createHarness, startDelayProxy } from '../testing/test-support.ts'
import { startValidatorProcess } from '../testing/validator-process.ts'
import type { ContributorEvent } from './contributor.ts'

const ONE_WAY_MS = 60
// Enough shards that a moment of CPU contention from the other test files does not decide the figure.
const SHARDS = 60

describe('a contributor on a slow link', () => {
  const harness = createHarness()
  afterAll(() => harness.cleanup())

  /** Device-busy share of wall time from the first lease to the SHARDS-th receipt. */
  async function busyShare(lanes: number): Promise<number> {
    // The validator in its own process, as on a real host: only the contributor shares this thread.
    const validator = await startValidatorProcess([
      '--shard-ms',
      '80',
      '--batch-rows',
      '256',
      '--in-features',
      '256',
      '--out-features',
      '512',
      '--max-tile',
      '256x512',
    ])
    const [, host, port, peer] = /libp2p +\/ip4\/([^/]+)\/tcp\/(\d+)\/ws\/p2p\/(\S+)/.exec(
      validator.output(),
    )!
    const proxy = await startDelayProxy({ host, port: Number(port) }, ONE_WAY_MS)
    const node = await createServerNode({ listen: [] })
    try {
      await node.dial(multiaddr(`/ip4/127.0.0.1/tcp/${proxy.port}/ws/p2p/${peer}`))
      let first = 0
      let last = 0
      let busy = 0
      let accepted = 0
      const onAccepted = (e: ContributorEvent) => {
        if (e.type !== 'accepted') return
        // The first shards are sized from a guess; count once the validator knows the device.
        accepted++
        if (accepted > 5) busy += e.computeMs
        if (accepted === 5) first = performance.now()
        last = performance.now()
      }
      await harness.contribute(
        node,
        (events) => events.filter((e) => e.type === 'accepted').length >= SHARDS,
        {
          lanes,
          onEvent: onAccepted,
        },
      )
      return busy / (last - first)
    } finally {
      await node.stop()
      await proxy.close()
      await validator.stop()
    }
  }

  it('keeps its device busy with three lanes where one lane leaves it idle', async () => {
    const one = await busyShare(1)
    const three = await busyShare(3)
    console.log(`device busy: 1 lane ${one.toFixed(2)}, 3 lanes ${three.toFixed(2)}`)
    // One lane waits a round trip per shard: about half the time at best. Three hide it; what they
    // miss here is the contributor's own encoding and encryption, which share the CPU engine's thread.
    // (Loose bounds: CI runs other test files on the same two cores.)
    expect(one).toBeLessThan(0.5)
    expect(three).toBeGreaterThan(0.4)
    expect(three).toBeGreaterThan(1.4 * one)
  }, 120_000)
})
