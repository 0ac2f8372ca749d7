/**
 * A training run's checkpoint that cannot be written or read is said, not swallowed: a failed write
 * shows in the run's status and fails the stop that needed it; an unreadable checkpoint stops the
 * run from starting over at step 0.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createBlobStore } from '../../validator/blob-store.ts'
import { createWorkerPool } from '../../validator/worker-pool.ts'
import { decodeWeights, type WeightsFile } from './checkpoint.ts'
import { trainValidator } from './validator.ts'

const workers = createWorkerPool({ size: 0 })
afterAll(() => workers.stop())

const CONFIG = { layers: 1, width: 16, heads: 2, context: 8, sequences: 2, microBatch: 1 }

const open = (stateDir: string) =>
  trainValidator.createSource({
    config: CONFIG,
    configDir: join(import.meta.dirname, '..', '..', '..'),
    shippedDir: join(import.meta.dirname, '..', '..', '..'),
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
    mkdirSync(join(stateDir, `run-${run}.safetensors.tmp`))
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
    mkdirSync(join(other, `run-${run}.safetensors`))
    await expect(open(other)).rejects.toMatchObject({ name: 'CheckpointError', message: /cannot read/ })
  })
})

/** A checkpoint in Tessera's earlier format ("TSWT" | version 1 | header length | JSON | pad | f32s). */
function tswt(file: WeightsFile): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ meta: file.meta, tensors: file.tensors.map(({ name, shape }) => ({ name, shape })) }),
  )
  const start = Math.ceil((12 + header.length) / 4) * 4
  const floats = file.tensors.reduce((n, t) => n + t.data.length, 0)
  const out = new Uint8Array(start + floats * 4)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, 0x54575354, true)
  dv.setUint32(4, 1, true)
  dv.setUint32(8, header.length, true)
  out.set(header, 12)
  let at = start / 4
  for (const t of file.tensors) {
    new Float32Array(out.buffer).set(t.data, at)
    at += t.data.length
  }
  return out
}

describe('checkpoints of the earlier format', () => {
  it('are read once, and replaced by safetensors at the next checkpoint', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tessera-ckpt-'))
    const first = (await open(stateDir))!
    const run = String(first.stats!().run)
    await first.close!()
    const path = join(stateDir, `run-${run}.safetensors`)
    const old = decodeWeights(readFileSync(path))
    // As a validator of the version before wrote it, at step 3.
    writeFileSync(join(stateDir, `run-${run}.tswt`), tswt({ ...old, meta: { ...old.meta, step: 3 } }))
    rmSync(path)
    const resumed = (await open(stateDir))!
    expect(resumed.stats!().step).toBe(3)
    await resumed.close!()
    expect(existsSync(join(stateDir, `run-${run}.tswt`))).toBe(false)
    expect(decodeWeights(readFileSync(path)).meta.step).toBe(3)
  })
})
