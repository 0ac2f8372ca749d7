// Entry of a verification worker (see worker-pool.ts). Plain JavaScript, because a worker thread
// does not inherit the TypeScript loader the validator runs under; tsx's tsImport loads the kinds.
import { parentPort } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

const modules = new Map()

const load = (module) => {
  let loaded = modules.get(module)
  if (loaded == null) {
    loaded = tsImport(module, import.meta.url)
    modules.set(module, loaded)
  }
  return loaded
}

parentPort.on('message', async ({ id, module, fn, args, preload }) => {
  // Compiling a kind's modules takes a few hundred milliseconds: done at startup, not on a first result.
  if (preload) return void load(module).catch(() => {})
  try {
    const loaded = load(module)
    const value = await (await loaded)[fn](...args)
    parentPort.postMessage({ id, ok: true, value }, transferables(value))
  } catch (err) {
    parentPort.postMessage({
      id,
      ok: false,
      error: { name: err?.name ?? 'Error', message: String(err?.message ?? err) },
    })
  }
})

/** The buffers of typed arrays in a result, each once; shared ones stay shared. */
function transferables(value, found = new Set()) {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer)
  } else if (Array.isArray(value)) {
    for (const v of value) transferables(v, found)
  } else if (value != null && typeof value === 'object') {
    for (const v of Object.values(value)) transferables(v, found)
  }
  return [...found]
}
