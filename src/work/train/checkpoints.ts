/**
 * A training run's checkpoint: weights, optimizer moments, step and held-out curve in one file,
 * written beside and renamed into place (a crash mid-write leaves the previous one whole). A
 * checkpoint that exists and cannot be read stops the run rather than starting it over at step 0;
 * a write that fails is logged, counted and kept as `error` until one succeeds.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { logger } from '@libp2p/logger'
import { decodeWeights, encodeWeights } from './checkpoint.ts'
import type { HistoryPoint } from './evaluator.ts'
import type { ModelConfig } from './model.ts'
import type { TrainerState } from './trainer.ts'

const log = logger('tessera:train')

/** A training run's checkpoint cannot be read or written. */
export class CheckpointError extends Error {
  static override name = 'CheckpointError'
  override name = 'CheckpointError'
}

export interface RunState {
  state: TrainerState
  history: HistoryPoint[]
}

export interface CheckpointStore {
  /** The run's last checkpoint; undefined when it has none. Throws CheckpointError when unreadable. */
  load(): Promise<RunState | undefined>
  /** Writes `now()` after the writes queued before; never rejects (see `error`). */
  save(now: () => RunState): Promise<void>
  readonly failures: number
  /** Why the last write failed, until one succeeds. */
  readonly error: string | null
}

/**
 * `path` ends in `.safetensors`; a checkpoint found only under the earlier `.tswt` name is read
 * from there once, and removed once the run's first checkpoint in safetensors is written.
 */
export function createCheckpointStore(path: string, run: { model: ModelConfig; id: string; size: number }) {
  const legacy = path.replace(/\.safetensors$/, '.tswt')
  let migrated = false
  let saving: Promise<void> = Promise.resolve()
  let failures = 0
  let error: string | null = null

  async function write({ state: s, history }: RunState) {
    const bytes = encodeWeights({
      meta: { model: run.model, step: s.step, run: run.id, history },
      tensors: [
        { name: 'weights', shape: [s.weights.length], data: s.weights },
        { name: 'm', shape: [s.m.length], data: s.m },
        { name: 'v', shape: [s.v.length], data: s.v },
      ],
    })
    await writeFile(`${path}.tmp`, bytes)
    await rename(`${path}.tmp`, path)
    if (migrated) {
      await rm(legacy, { force: true })
      migrated = false
    }
  }

  async function read(): Promise<Uint8Array | undefined> {
    for (const file of legacy === path ? [path] : [path, legacy]) {
      try {
        const bytes = await readFile(file)
        if (file === legacy) {
          migrated = true
          log('migrating the checkpoint %s to %s', legacy, path)
        }
        return bytes
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        // Unreadable is not absent: starting the run again from step 0 would throw its progress away.
        throw new CheckpointError(`cannot read the run's checkpoint ${file}: ${(err as Error).message}`)
      }
    }
    return undefined
  }

  const store: CheckpointStore = {
    async load() {
      const bytes = await read()
      if (bytes == null) return undefined
      const file = decodeWeights(bytes)
      const get = (name: string) => {
        const t = file.tensors.find((x) => x.name === name)
        if (t == null || t.data.length !== run.size)
          throw new CheckpointError(`${path}: ${name} is missing or of another size`)
        return t.data.slice()
      }
      const step = file.meta.step
      if (typeof step !== 'number') throw new CheckpointError(`${path}: no step`)
      return {
        state: { step, weights: get('weights'), m: get('m'), v: get('v') },
        history: Array.isArray(file.meta.history) ? (file.meta.history as HistoryPoint[]) : [],
      }
    },
    save(now) {
      saving = saving
        .then(() => write(now()))
        .then(
          () => {
            error = null
          },
          (err) => {
            failures++
            error = (err as Error).message
            log.error('writing the checkpoint %s failed: %e', path, err)
          },
        )
      return saving
    },
    get failures() {
      return failures
    },
    get error() {
      return error
    },
  }
  return store
}
