/**
 * How a step's accepted results become one vector. `mean`: the staleness-weighted mean (what
 * data-parallel SGD does). The robust ones bound what a minority of wrong results can do to a step
 * that verification let through: `trimmed-mean` drops, per coordinate, the largest and smallest
 * `trim` of the values (at least one each way from three results on) and averages the rest;
 * `median` takes the coordinate-wise median. Both ignore staleness weights and cost a sort of the k
 * values per coordinate (k = results per step): docs/TRAINING.md has the measured cost.
 */
export type Aggregate = 'mean' | 'trimmed-mean' | 'median'

export const AGGREGATES: readonly Aggregate[] = ['mean', 'trimmed-mean', 'median']

export interface Weighted {
  vector: Float32Array
  weight: number
}

/** Values transposed at once by the robust rules: a block fits in the L1 cache. */
const BLOCK_VALUES = 4096

/** Fraction of a step's results trimmed from each end by `trimmed-mean`. */
export const TRIM_FRACTION = 0.2

export function aggregate(kind: Aggregate, results: readonly Weighted[]): Float32Array {
  if (results.length === 0) throw new RangeError('nothing to aggregate')
  const length = results[0].vector.length
  const out = new Float32Array(length)
  if (kind === 'mean' || results.length < 3) {
    // Fewer than three results have no robust statistic: a median of two is their mean.
    let total = 0
    for (const { vector, weight } of results) {
      total += weight
      for (let i = 0; i < length; i++) out[i] += weight * vector[i]
    }
    for (let i = 0; i < length; i++) out[i] /= total
    return out
  }
  const k = results.length
  const trim = kind === 'median' ? Math.floor((k - 1) / 2) : Math.max(1, Math.floor(TRIM_FRACTION * k))
  // A block of coordinates at a time, copied row by row: reading k vectors column-wise would miss
  // the cache on every value.
  const block = Math.max(1, Math.floor(BLOCK_VALUES / k))
  const columns = new Float64Array(block * k)
  for (let i0 = 0; i0 < length; i0 += block) {
    const width = Math.min(block, length - i0)
    for (let j = 0; j < k; j++) {
      const vector = results[j].vector
      for (let c = 0; c < width; c++) columns[c * k + j] = vector[i0 + c]
    }
    for (let c = 0; c < width; c++) {
      // Insertion sort of the column in place: k is small, and a native sort costs a call each.
      const base = c * k
      for (let j = base + 1; j < base + k; j++) {
        const x = columns[j]
        let at = j
        while (at > base && columns[at - 1] > x) {
          columns[at] = columns[at - 1]
          at--
        }
        columns[at] = x
      }
      // An even count's median is the mean of its middle two.
      let sum = 0
      for (let j = base + trim; j < base + k - trim; j++) sum += columns[j]
      out[i0 + c] = sum / (k - 2 * trim)
    }
  }
  return out
}
