/**
 * Job tasks: how a dataset record becomes model inputs, and the model's outputs become the record's
 * result (docs/JOBS.md). A task runs on the validator only; contributors see model batches, as in
 * any `infer` shard. One line here per task.
 */
import type { NamedTensor } from '../../../work/kind.ts'
import type { ModelInfo } from '../models.ts'
import { tensorsTask } from './tensors.ts'
import { textScoreTask } from './text-score-task.ts'

export interface Task {
  name: string
  /** Why this model cannot serve the task (wrong inputs or outputs); undefined when it can. */
  unfit(model: ModelInfo): string | undefined
  /** The declared cost of one of its batches on this model. */
  flopsPerBatch(model: Uint8Array, info: ModelInfo): number
  /** Checks a record's body against the model (RecordError with a code when it cannot be used). */
  check(body: unknown, model: ModelInfo): void
  /** The record's model batches. */
  inputs(body: unknown, model: ModelInfo): NamedTensor[][]
  /** The record's result body, from its batches' outputs in order. */
  output(body: unknown, model: ModelInfo, outputs: NamedTensor[][]): unknown
}

export const TASKS: readonly Task[] = [tensorsTask, textScoreTask]

export const taskNamed = (name: string): Task | undefined => TASKS.find((t) => t.name === name)
