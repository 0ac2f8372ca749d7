/**
 * Where the GEMM autotuner keeps its choice per adapter: localStorage on the page. A worker has no
 * localStorage, so the compute worker keeps the page's entries in memory (`useTuningStorage`) and
 * sends new ones back to the page, which stores them for the next session.
 */

/** localStorage keys of the cached choices. */
export const CACHE_PREFIX = 'tessera.gemm-variant.'

export type TuningStorage = Pick<Storage, 'getItem' | 'setItem'>

let elsewhere: TuningStorage | undefined

export function useTuningStorage(store: TuningStorage): void {
  elsewhere = store
}

export function tuningStorage(): TuningStorage | undefined {
  return typeof localStorage === 'undefined' ? elsewhere : localStorage
}
