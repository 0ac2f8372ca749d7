/**
 * Job tasks: how a dataset record becomes model inputs, and the model's outputs become the record's
 * result (docs/JOBS.md). A task runs on the validator only; contributors see model batches, as in
 * any `infer` shard. One line here per task.
 */
import type { FileStore } from '../files.ts'
import type { ModelInfo } from '../models.ts'
import type { Row } from '../rows.ts'
import { audioSegmentsTask } from './audio-segments.ts'
import { tensorsTask } from './tensors.ts'
import { textGenerateTask } from './text-generate.ts'
import { textScoreTask } from './text-score-task.ts'

/** What a task may read besides a record's body: the job's uploaded data files. */
export interface TaskContext {
  files: FileStore
}

/** A step's outcome: the record's result once it is finished, else its state for the next step. */
export type Advance<S> = { done: true; result: unknown } | { done: false; state: S }

/**
 * One record's way through the model: `start` from its body, then steps of `inputs` (its rows) and
 * `advance` (their outputs) until done. Most tasks take one step; generation takes one per byte. The
 * rows of several records share a batch when the model stacks them (rows.ts).
 */
// biome-ignore lint/suspicious/noExplicitAny: each task has its own state type
export interface Task<S = any> {
  name: string
  /** What a page helping with the job is doing, in a few words ("Scoring text"). */
  doing: string
  /** Why this model cannot serve the task (wrong inputs or outputs); undefined when it can. */
  unfit(model: ModelInfo): string | undefined
  /** The declared cost of one of its batches on this model. */
  flopsPerBatch(model: Uint8Array, info: ModelInfo): number
  /** Checks a record's body against the model (RecordError with a code when it cannot be used). */
  check(body: unknown, model: ModelInfo, context: TaskContext): void
  /** A model the task would rather run than the one submitted (undefined: the submitted one). */
  prepare?(model: Uint8Array, info: ModelInfo): Uint8Array | undefined
  /** The record's state before its first step. */
  start(body: unknown, model: ModelInfo, context: TaskContext): S
  /** Records held in the validator's memory at once (default 1,024): fewer for large states. */
  window?: number
  /** Rows one batch of this model stacks (its fixed first dimension); undefined: a row is a batch. */
  stack(model: ModelInfo): number | undefined
  /** The rows of the record's next step. */
  inputs(state: S, model: ModelInfo): Row[]
  /** The step's outputs (one per row, in order) applied to the state. */
  advance(state: S, model: ModelInfo, outputs: Row[]): Advance<S>
}

export const TASKS: readonly Task[] = [tensorsTask, textGenerateTask, textScoreTask, audioSegmentsTask]

export const taskNamed = (name: string): Task | undefined => TASKS.find((t) => t.name === name)
