/**
 * A training run's checkpoint that cannot be written or read is said, not swallowed: a failed write
 * shows in the run's status and fails the stop that needed it; an unreadable checkpoint stops the
 * run from starting over at step 0.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createBlobStore } from '../../validator/blob-store.ts'
import { createWorkerPool } from '../../validator/worker-pool.ts'
import { trainValidator } from './validator.ts'

const workers = createWorkerPool({ size: 0 })
afterAll(() => workers.stop())

const CONFIG = { layers: 1, width: 16, heads: 2, context: 8, sequences: 2, microBatch: 1 }

const open = (stateDir: string) =>
  trainValidator.createSource({
    config: CONFIG,
    configDir: join(import.meta.dirname, '..', '..', '..'),
    stateDir,
    seed: 1,
    cursor: async () => undefined,
    blobs: createBlobStore(),
    strike: () => {},
    workers,
  })

describe('training checkpoints that fail', () => {
  it('a write that fails is in the run’s status, and stopping fails with it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tessera-ckpt-'))
    const source = (await open(stateDir))!
    const run = String(source.stats!().run)
    // Something in the way of the file the checkpoint is written to before it is renamed.
    mkdirSync(join(stateDir, `run-${run}.tswt.tmp`))
    await expect(source.close!()).rejects.toMatchObject({ name: 'CheckpointError' })
    expect(source.stats!()).toMatchObject({
      checkpointFailures: 1,
      checkpointError: expect.stringMatching(/EISDIR/),
    })
  })

  it('a checkpoint that exists but cannot be read stops the run from starting over', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tessera-ckpt-'))
    const first = (await open(stateDir))!
    const run = String(first.stats!().run)
    await first.close!()
    // Not the file a crash leaves (that one is whole): something unreadable in its place.
    const other = mkdtempSync(join(tmpdir(), 'tessera-ckpt-'))
    mkdirSync(join(other, `run-${run}.tswt`))
    await expect(open(other)).rejects.toMatchObject({ name: 'CheckpointError', message: /cannot read/ })
  })
})
