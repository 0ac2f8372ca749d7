/** Up to `n` of `items` in random order (a partial Fisher–Yates shuffle of a copy). */
export function sample<T>(items: readonly T[], n = items.length): T[] {
  const out = [...items]
  const count = Math.min(n, out.length)
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (out.length - i))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out.slice(0, count)
}
