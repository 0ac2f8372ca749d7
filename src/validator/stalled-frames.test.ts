/**
 * Frames that start and never finish: each holds what it sent until its stream times out, and then
 * the validator must hold nothing of it (an outside harness saw 128 stalled 4 MiB result frames keep
 * 350 MB after they timed out).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Stream } from '@libp2p/interface'
import { afterAll, describe, expect, it } from 'vitest'
import { RPC_TIMEOUT_MS } from '../p2p/constants.ts'
import { RESULT_PROTOCOL } from '../protocol/constants.ts'
import { createHarness } from '../testing/test-support.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const harness = createHarness()
afterAll(() => harness.cleanup())

/** Bytes the process holds in ArrayBuffers (stream buffers among them), after a full collection. */
function held(): number {
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().arrayBuffers
}

/** A varint length prefix. */
function varint(n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
  return Uint8Array.from(out)
}

describe('stalled request frames', () => {
  it('hold memory only until their streams time out', async () => {
    const validator = await harness.startValidator()
    const baseline = held()
    const frames = 24
    const sent = 4 * 2 ** 20
    const streams: Stream[] = []
    // Each from its own identity (8 streams per connection at most), each announcing 8 MiB and
    // sending half of it.
    for (let i = 0; i < frames / 4; i++) {
      const attacker = await harness.contributorNode(validator)
      for (let j = 0; j < 4; j++) {
        const stream = await attacker.dialProtocol(validator.peerId, RESULT_PROTOCOL)
        stream.send(varint(8 * 2 ** 20))
        for (let k = 0; k < sent / 65_536; k++) stream.send(new Uint8Array(65_536))
        streams.push(stream)
      }
    }
    await new Promise((r) => setTimeout(r, 2000))
    const during = held() - baseline
    // What the stalled frames hold while they wait: about what they sent.
    expect(during).toBeGreaterThan(0.5 * frames * sent)
    await new Promise((r) => setTimeout(r, RPC_TIMEOUT_MS + 5000))
    const after = held() - baseline
    console.log(
      `stalled frames: ${(during / 2 ** 20).toFixed(0)} MiB held, ${(after / 2 ** 20).toFixed(0)} MiB after the timeout`,
    )
    expect(after).toBeLessThan(0.05 * frames * sent)
    for (const s of streams) s.abort(new Error('done'))
  }, 90_000)
})
