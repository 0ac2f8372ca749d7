/**
 * Deterministic pseudo-random numbers for synthetic work and reproducible tests. Not for secrets:
 * the validator draws Freivalds vectors from crypto.getRandomValues (see freivalds.ts).
 */

/** Mixes any number of 32-bit integers into one seed (splitmix32 finaliser). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

/** mulberry32: a small, fast generator with a full 2^32 period; returns uniforms in [0, 1). */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fills a new Float32Array with uniforms in [lo, hi). */
export function uniformMatrix(
  random: () => number,
  length: number,
  lo: number,
  hi: number,
  out: Float32Array = new Float32Array(length),
): Float32Array {
  const span = hi - lo
  for (let i = 0; i < length; i++) out[i] = lo + span * random()
  return out
}

/** Fills `out` with normals N(0, std²) (Box–Muller), e.g. a layer's initial weights. */
export function fillNormal(random: () => number, out: Float32Array, std: number): Float32Array {
  for (let i = 0; i < out.length; i++) {
    const u = 1 - random()
    out[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  }
  return out
}
