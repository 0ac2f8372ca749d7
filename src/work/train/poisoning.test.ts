/**
 * Poisoned training: a third of each step's results adversarial — the honest gradient with its sign
 * flipped, the gradient of another batch, or the honest gradient scaled within the outlier bound —
 * from contributors past their audit (nothing sampled, no canaries: only the run's own guards stand
 * between them and the model). The held-out loss at equal steps must stay within 2% of a clean run's.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createCpuEngine } from '../../gpu/cpu-engine.ts'
import { REPO_ROOT, SMALL_TRAIN } from '../../testing/test-support.ts'
import { createBlobStore } from '../../validator/blob-store.ts'
import { createWorkerPool } from '../../validator/worker-pool.ts'
import type { Shard, WorkSource } from '../kind.ts'
import { createPrng } from '../prng.ts'
import type { TrainGrant, TrainResult } from './codec.ts'
import { trainContributor } from './contributor.ts'
import { trainValidator } from './validator.ts'

const STEPS = 40
/** SMALL_TRAIN's model (2 layers, width 32), three results a step, no sampling and no canaries. */
const CONFIG = {
  ...SMALL_TRAIN,
  shardsPerStep: 3,
  lr: 3e-3,
  evalEvery: 10,
  evalSequences: 128,
  checkpointEvery: 1000,
  verifyFraction: 0,
  canaryFraction: 0,
  maxSteps: STEPS,
}

type Attack = 'flip' | 'other-batch' | 'scale'
const workers = createWorkerPool({ size: 0 })
afterAll(() => workers.stop())

/**
 * A run of STEPS steps; every third shard goes to the adversary (`attacks` in turn) when given. A
 * result the run refuses (at once, or when its step is guarded) is done again by an honest
 * contributor, as a released shard is: the poisoned run then sees the clean run's batches exactly,
 * and differs from it only by the adversarial results it let in.
 */
async function trainRun(attacks: Attack[]) {
  const blobs = createBlobStore()
  // Which data each shard holds: the same sequence in every run. The adversary's other batches come
  // from a stream of their own, so they do not shift it.
  const streams = { shards: createPrng(11), adversary: createPrng(12) }
  let stream = streams.shards
  const source = (await trainValidator.createSource({
    config: CONFIG,
    configDir: REPO_ROOT,
    shippedDir: REPO_ROOT,
    stateDir: mkdtempSync(join(tmpdir(), 'tessera-poison-')),
    seed: 1,
    draw: () => stream(),
    cursor: async () => undefined,
    blobs,
    strike: () => {},
    workers,
  })) as WorkSource<TrainGrant, TrainResult>
  const engine = createCpuEngine()
  const honest = (grant: TrainGrant) =>
    trainContributor.execute(grant, {
      engine,
      blob: async (sha256) => blobs.read(sha256, 0, blobs.size(sha256)!),
      signal: AbortSignal.timeout(60_000),
    })
  const tampered = async (shard: Shard<TrainGrant>, attack: Attack): Promise<TrainResult> => {
    if (attack === 'other-batch') {
      stream = streams.adversary
      const other = source.next('train', 0)!
      stream = streams.shards
      return honest(other.grant)
    }
    const { loss, vector } = await honest(shard.grant)
    if (attack === 'scale') return { loss, vector: { ...vector, scales: vector.scales.map((s) => s * 3) } }
    return { loss, vector: { ...vector, values: vector.values.map((v) => -v) } }
  }
  const stat = (key: string) => Number(source.stats!()[key])
  /** Hands a result in, and waits for a full step to be guarded and taken, as the next shards would. */
  const handIn = async (shard: Shard<TrainGrant>, result: TrainResult, peer: string) => {
    const rejected = stat('rejected')
    const verdict = await source.verify(shard, result, { peer, suspect: false, audit: false })
    if (!verdict.ok && verdict.reason !== 'verification-failed') throw new Error(verdict.message)
    while (stat('pending') >= CONFIG.shardsPerStep) await new Promise((r) => setTimeout(r, 5))
    return stat('rejected') > rejected
  }
  const counts = { adversarial: 0, refused: 0 }
  for (let i = 0; stat('step') < STEPS; i++) {
    const attack = attacks.length > 0 && i % 3 === 2 ? attacks[((i / 3) % attacks.length) | 0] : undefined
    const shard = source.next('train', 0)!
    if (attack == null) {
      if (await handIn(shard, await honest(shard.grant), 'honest'))
        throw new Error('an honest result was refused')
      continue
    }
    counts.adversarial++
    if (!(await handIn(shard, await tampered(shard, attack), attack))) continue
    counts.refused++
    await handIn(shard, await honest(shard.grant), 'honest')
  }
  await source.close?.()
  const history = source.stats!().history as Array<{ step: number; heldOutLoss: number }>
  return { loss: history.find((h) => h.step === STEPS)!.heldOutLoss, ...counts, stats: source.stats!() }
}

describe('a training run under poisoning', () => {
  it('keeps its held-out loss within 2% of a clean run when a third of each step is adversarial', async () => {
    const clean = await trainRun([])
    const poisoned = await trainRun(['flip', 'other-batch', 'scale'])
    console.log(
      `held-out loss at step ${STEPS}: clean ${clean.loss.toFixed(4)}, poisoned ${poisoned.loss.toFixed(4)}; ` +
        `${poisoned.refused} of ${poisoned.adversarial} adversarial results refused; ` +
        `recomputed ${poisoned.stats.recomputed} (${poisoned.stats.astray} pointing away from their step)`,
    )
    expect(Math.abs(poisoned.loss - clean.loss) / clean.loss).toBeLessThan(0.02)
    // Every flipped gradient pointed away from its step and was recomputed before it could be used.
    expect(poisoned.refused).toBeGreaterThanOrEqual(Math.floor(poisoned.adversarial / 3))
  }, 300_000)
})
