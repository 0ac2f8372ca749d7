/**
 * The contract every work kind keeps, as one shared test suite (run by kinds.test.ts for each
 * registered kind, and by any test that defines a kind of its own): its source cuts shards whose
 * declared cost is the work they ask for; an honest result from its contributor half verifies; a
 * perturbed result, a wrong shape and a NaN do not, each with its own reason; its codecs enforce
 * their size limits and refuse garbage; a shard can be rebuilt from its id after a restart. Checks
 * run on a worker thread, as in the validator.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlobStore } from '../validator/blob-store.ts'
import { createWorkerPool } from '../validator/worker-pool.ts'
import type { AnyContributorKind, AnyValidatorKind, Runtimes, Shard, WorkSource } from '../work/kind.ts'

const SHIPPED_DIR = join(import.meta.dirname, '..', '..')

export interface ComplianceOptions {
  /** Where relative paths in the kind's conformance config are resolved. */
  configDir: string
  /** What the contributor half runs on (Node: the CPU engine, onnxruntime-node). */
  runtimes: () => Runtimes
}

export function describeWorkKind(
  kind: AnyValidatorKind,
  contributor: AnyContributorKind,
  options: ComplianceOptions,
): void {
  describe(`work kind "${kind.name}" (version ${kind.version})`, () => {
    const blobs = createBlobStore()
    // A real worker thread: each kind's checks must survive structured clone.
    const workers = createWorkerPool({ size: 1 })
    // The source first: its background work (a training run's held-out evaluation) ends before the threads do.
    afterAll(async () => {
      await source?.close?.()
      await workers.stop()
    })
    let source: WorkSource
    let shard: Shard
    let honest: unknown
    let runtimes: Runtimes

    beforeAll(async () => {
      expect(contributor.name).toBe(kind.name)
      expect(contributor.version).toBe(kind.version)
      source = (await kind.createSource({
        config: kind.conformance.config,
        configDir: options.configDir,
        shippedDir: SHIPPED_DIR,
        stateDir: mkdtempSync(join(tmpdir(), 'tessera-kind-')),
        seed: 1,
        cursor: async () => undefined,
        blobs,
        strike: () => {},
        workers,
      }))!
      expect(source).toBeDefined()
      const [offer] = source.offers()
      shard = source.next(offer.offerId, 2 * offer.minFlops)!
      runtimes = options.runtimes()
      expect(contributor.canRun(runtimes)).toBe(true)
      const grant = contributor.grant.decode(kind.grant.encode(shard.grant))
      const output = await contributor.execute(grant, {
        ...runtimes,
        blob: async (sha256) => blobs.read(sha256, 0, blobs.size(sha256)!),
        signal: AbortSignal.timeout(60_000),
      })
      honest = kind.result.decode(contributor.result.encode(output))
    }, 120_000)

    const verify = (result: unknown) =>
      source.verify(shard, result, { peer: 'p', suspect: false, audit: false })

    it('declares as cost the work its grants ask for, within its offer bounds', async () => {
      const grant = kind.grant.decode(kind.grant.encode(shard.grant))
      expect(shard.flops).toBe(kind.cost(grant))
      const blob = async (sha256: string) => blobs.read(sha256, 0, blobs.size(sha256)!)
      expect(await kind.conformance.work(grant, { blob })).toBe(shard.flops)
      const [offer] = source.offers()
      expect(shard.flops).toBeGreaterThanOrEqual(offer.minFlops)
      expect(shard.flops).toBeLessThanOrEqual(offer.maxFlops)
      const bigger = source.next(offer.offerId, offer.maxFlops)!
      expect(bigger.flops).toBeGreaterThanOrEqual(shard.flops)
    })

    it('verifies an honest result from its contributor half', async () => {
      expect(await verify(honest)).toMatchObject({ ok: true })
    })

    it('rejects a perturbed result, a wrong shape and a non-finite value, each with its reason', async () => {
      const { perturb, reshape, poison } = kind.conformance
      expect(await verify(perturb(honest))).toMatchObject({ ok: false, reason: 'verification-failed' })
      expect(await verify(reshape(honest))).toMatchObject({ ok: false, reason: 'wrong-shape' })
      expect(await verify(poison(honest))).toMatchObject({ ok: false, reason: 'non-finite' })
    })

    it('keeps its codecs within their limits and refuses garbage', () => {
      for (const codec of [kind.grant, kind.result]) {
        expect(() => codec.decode(new Uint8Array(codec.maxBytes + 1))).toThrow(
          expect.objectContaining({ name: 'MessageTooLargeError' }),
        )
        for (const garbage of [Uint8Array.of(0xff, 0xff, 0xff, 0xff), new Uint8Array(0)]) {
          expect(() => codec.decode(garbage)).toThrow(/./)
        }
      }
      const encoded = kind.result.encode(honest)
      expect(encoded.byteLength).toBeLessThanOrEqual(kind.result.maxBytes)
      expect(() => kind.result.decode(encoded.subarray(0, encoded.byteLength - 3))).toThrow(/./)
      expect(kind.grant.encode(shard.grant).byteLength).toBeLessThanOrEqual(kind.grant.maxBytes)
    })

    it('rebuilds a shard from its id, as after a restart', () => {
      const again = source.restore(shard.shardId, shard.offerId)!
      expect(again.shardId).toBe(shard.shardId)
      expect(kind.grant.encode(again.grant)).toEqual(kind.grant.encode(shard.grant))
      expect(source.restore('not-a-shard-of-this-source', shard.offerId)).toBeUndefined()
    })
  })
}
