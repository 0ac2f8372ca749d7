/**
 * Verification off the event loop: a pool of worker threads that run exported functions of kind
 * modules (Freivalds' check, an ONNX recompute) so lease and result streams stay responsive while a
 * large result is checked. Arguments and results cross by structured clone; typed arrays in a result
 * are transferred, and SharedArrayBuffers (a layer's weights, a model) are shared, not copied.
 * Size 0 runs tasks on the calling thread (tests that start many validators).
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { TaskRunner, WorkerTask } from '../work/kind.ts'

export interface WorkerPool extends TaskRunner {
  readonly size: number
  stop(): Promise<void>
}

/** A task whose worker died (out of memory, a native crash) before it answered. */
export class WorkerExitedError extends Error {
  static override name = 'WorkerExitedError'
  override name = 'WorkerExitedError'
}

/** A task that did not answer in time; its worker is replaced (a run that never settles holds it). */
export class WorkerTimeoutError extends Error {
  static override name = 'WorkerTimeoutError'
  override name = 'WorkerTimeoutError'
}

/**
 * Longest a task may take. The largest checks here take seconds; a native run that never settles
 * (ONNX Runtime given shared memory did exactly that) must not hold a thread, and its result's
 * verification, for ever.
 */
export const DEFAULT_TASK_TIMEOUT_MS = 5 * 60_000

/** How long stop() waits for running tasks before it terminates the threads. */
const STOP_GRACE_MS = 10_000

/** One thread per core but the one the event loop runs on. */
export const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1)

interface Pending {
  resolve(value: unknown): void
  reject(err: Error): void
}

interface Slot {
  worker: Worker
  pending: Map<number, Pending>
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url)

export function createWorkerPool(options: { size?: number; taskTimeoutMs?: number } = {}): WorkerPool {
  const size = options.size ?? DEFAULT_WORKERS
  const timeoutMs = options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS
  if (size === 0) return inlinePool()
  let nextId = 0
  let stopped = false

  const spawn = (index: number): Slot => {
    const slot: Slot = { worker: new Worker(ENTRY), pending: new Map() }
    slot.worker.unref()
    slot.worker.on('message', ({ id, ok, value, error }) => {
      const task = slot.pending.get(id)
      slot.pending.delete(id)
      if (ok) task?.resolve(value)
      else task?.reject(Object.assign(new Error(error.message), { name: error.name }))
    })
    slot.worker.on('error', () => {}) // 'exit' follows and settles everything
    slot.worker.on('exit', (code) => {
      for (const task of slot.pending.values()) {
        task.reject(new WorkerExitedError(`verification worker exited with code ${code}`))
      }
      slot.pending.clear()
      replace(slot, index)
    })
    return slot
  }
  /** A fresh worker in the slot's place (once: a timeout replaces it before its exit event). */
  const replace = (slot: Slot, index: number) => {
    if (stopped || slots[index] !== slot) return
    slots[index] = spawn(index)
    for (const module of preloaded) slots[index].worker.postMessage({ preload: true, module })
  }
  const slots = Array.from({ length: size }, (_, i) => spawn(i))
  const preloaded = new Set<string>()

  return {
    size,
    run<T>(task: WorkerTask, transfer: Transferable[] = []): Promise<T> {
      if (stopped) return Promise.reject(new WorkerExitedError('the worker pool is stopped'))
      // Least loaded first: tasks differ in cost by orders of magnitude, so round robin would queue
      // a small check behind a large one while another thread idles.
      const index = slots.reduce((a, _, i) => (slots[i].pending.size < slots[a].pending.size ? i : a), 0)
      const slot = slots[index]
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (!slot.pending.delete(id)) return
          reject(new WorkerTimeoutError(`${task.fn} gave no answer in ${timeoutMs} ms`))
          // A fresh worker takes the slot now. The old one is left to finish (unreferenced, it does
          // not keep the process alive): terminating a thread inside a native run (onnxruntime-node)
          // aborts the whole process.
          replace(slot, index)
        }, timeoutMs)
        timer.unref?.()
        slot.pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer)
            resolve(v as T)
          },
          reject: (err) => {
            clearTimeout(timer)
            reject(err)
          },
        })
        slot.worker.postMessage({ id, ...task }, transfer as never)
      })
    },
    preload(module) {
      preloaded.add(module)
      for (const slot of slots) slot.worker.postMessage({ preload: true, module })
    },
    async stop() {
      stopped = true
      // Running tasks finish first (bounded): terminating a thread inside a native run aborts the
      // process (onnxruntime-node: "terminate called after throwing an instance of Napi::Error").
      const settled = (slot: Slot) =>
        new Promise<void>((resolve) => {
          const check = () => (slot.pending.size === 0 ? resolve() : setTimeout(check, 20).unref?.())
          check()
        })
      await Promise.race([
        Promise.all(slots.map(settled)),
        new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref?.()),
      ])
      await Promise.all(slots.map((s) => s.worker.terminate()))
    },
  }
}

function inlinePool(): WorkerPool {
  return {
    size: 0,
    async run<T>(task: WorkerTask): Promise<T> {
      const module = await import(task.module)
      return (await module[task.fn](...task.args)) as T
    },
    preload() {},
    async stop() {},
  }
}
