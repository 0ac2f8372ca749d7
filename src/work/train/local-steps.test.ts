import { describe, expect, it } from 'vitest'
import { createStepSizer, DEFAULT_UPLOAD_SHARE, localStepsFor } from './local-steps.ts'
import { trainFlops } from './model.ts'

// The default run's model: 2 layers of width 128 over 65 tokens of context 64, micro-batches of 4.
const model = { layers: 2, width: 128, heads: 4, context: 64, vocab: 65 }
const shape = {
  stepFlops: trainFlops(model, 4 * model.context),
  // About 0.45 M parameters, int8.
  deltaBytes: 450_000,
  min: 2,
  max: 512,
  uploadShare: DEFAULT_UPLOAD_SHARE,
}
const seconds = (steps: number, lessee: { flopsPerSecond: number; uplinkBytesPerSecond: number }) => ({
  compute: (steps * shape.stepFlops) / lessee.flopsPerSecond,
  upload: shape.deltaBytes / lessee.uplinkBytesPerSecond,
})

describe('local steps sized to the link', () => {
  it('takes enough local steps that the upload is at most a tenth of the compute', () => {
    for (const lessee of [
      { flopsPerSecond: 1e12, uplinkBytesPerSecond: 1.25e6 },
      { flopsPerSecond: 25e9, uplinkBytesPerSecond: 1.25e6 },
      { flopsPerSecond: 5e9, uplinkBytesPerSecond: 125e3 },
    ]) {
      const h = localStepsFor(lessee, shape)
      const t = seconds(h, lessee)
      if (h < shape.max) expect(t.upload).toBeLessThanOrEqual(DEFAULT_UPLOAD_SHARE * t.compute * 1.0001)
      // and no more than needed: one step fewer would break the bound
      if (h > shape.min)
        expect(seconds(h - 1, lessee).upload).toBeGreaterThan(
          DEFAULT_UPLOAD_SHARE * seconds(h - 1, lessee).compute,
        )
    }
  })

  it('gives a faster device or a slower uplink more local steps, within the run’s bounds', () => {
    const home = { flopsPerSecond: 25e9, uplinkBytesPerSecond: 1.25e6 }
    const h = localStepsFor(home, shape)
    expect(localStepsFor({ ...home, flopsPerSecond: 100e9 }, shape)).toBeGreaterThan(h)
    expect(localStepsFor({ ...home, uplinkBytesPerSecond: 125e6 }, shape)).toBe(shape.min)
    expect(localStepsFor({ flopsPerSecond: 1e15, uplinkBytesPerSecond: 1e3 }, shape)).toBe(shape.max)
    // A lessee that measured nothing yet gets the run's configured steps.
    expect(localStepsFor({ flopsPerSecond: 0, uplinkBytesPerSecond: 0 }, shape)).toBe(shape.min)
    expect(localStepsFor({ flopsPerSecond: 1e12, uplinkBytesPerSecond: 0 }, shape)).toBe(shape.min)
  })
})

describe('a step’s local steps', () => {
  it('are fixed by the step’s first shard, from the median of recent lessees’ links', () => {
    const sizer = createStepSizer(shape)
    // Nothing measured yet: the configured steps.
    expect(sizer.steps(0)).toBe(shape.min)
    const home = { flopsPerSecond: 25e9, uplinkBytesPerSecond: 1.25e6 }
    const fiber = { flopsPerSecond: 25e9, uplinkBytesPerSecond: 125e6 }
    // Step 0 keeps what it was given, whoever asks later.
    expect(sizer.steps(0, home)).toBe(shape.min)
    sizer.steps(0, home)
    // Step 1: two home links and one fiber link seen: the median is a home link's.
    sizer.steps(0, fiber)
    expect(sizer.steps(1, home)).toBe(localStepsFor(home, shape))
    expect(sizer.steps(1, fiber)).toBe(localStepsFor(home, shape))
  })
})
