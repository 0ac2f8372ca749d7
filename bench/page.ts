/** Shared by the in-page halves of the benchmarks: the log, deterministic data, and the result hand-off to bench/run.ts. */

export const params = new URLSearchParams(location.search)

export function say(line: string): void {
  const log = document.getElementById('log')
  if (log) log.textContent += `\n${line}`
  console.log(line)
}

/** Deterministic uniforms in [-0.5, 0.5). */
export function uniform(n: number, seed: number): Float32Array {
  let s = seed
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  })
}

/** Runs the benchmark and leaves its result (or error) where bench/run.ts polls for it. */
export function runBenchmark(main: () => Promise<unknown>): void {
  const w = window as unknown as { __bench?: unknown; __benchError?: string }
  main().then(
    (result) => {
      w.__bench = result
      say('done')
    },
    (err) => {
      w.__benchError = String(err?.stack ?? err)
      say(`failed: ${w.__benchError}`)
    },
  )
}
