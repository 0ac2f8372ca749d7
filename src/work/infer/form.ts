/**
 * What a model's outputs look like (names, types, shapes), learned from its first recomputation, and
 * the check every result gets against it, sampled or not: the batch count, the outputs' form, and
 * finite values.
 */
import type { NamedTensor, Verdict } from '../kind.ts'
import type { InferGrant, InferResult } from './codec.ts'

export type Outputs = Record<string, Float32Array>
type Rejection = Extract<Verdict, { ok: false }>

interface Signature {
  outputs: Array<{ name: string; dtype: string; shape: string }>
}

const signatureOf = (outputs: NamedTensor[]): Signature => ({
  outputs: outputs
    .map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape.join('x') }))
    .sort((a, b) => a.name.localeCompare(b.name)),
})

/** The float outputs by name: what tolerances compare. */
export const floats = (outputs: NamedTensor[]): Outputs =>
  Object.fromEntries(
    outputs.filter((t) => t.dtype === 'float32').map((t) => [t.name, t.data as Float32Array]),
  )

export interface OutputForms {
  /** Whether a model's outputs have been seen (recomputed) yet. */
  known(model: string): boolean
  /** Outputs the validator computed itself: the first teach the model's form. */
  learn(model: string, outputs: NamedTensor[]): void
  check(model: string, grant: InferGrant, result: InferResult): Rejection | undefined
}

export function createOutputForms(): OutputForms {
  const signatures = new Map<string, Signature>()
  return {
    known: (model) => signatures.has(model),
    learn(model, outputs) {
      if (!signatures.has(model)) signatures.set(model, signatureOf(outputs))
    },
    check(model, grant, result) {
      if (result.batches.length !== grant.batches.length) {
        const message = `${result.batches.length} batches for ${grant.batches.length}`
        return { ok: false, reason: 'wrong-shape', message }
      }
      const want = signatures.get(model)
      for (const [b, outputs] of result.batches.entries()) {
        for (const t of outputs) {
          if (t.dtype === 'float32' && !(t.data as Float32Array).every(Number.isFinite)) {
            return {
              ok: false,
              reason: 'non-finite',
              message: `batch ${b}: output ${t.name} holds NaN or Inf`,
            }
          }
        }
        if (want != null && JSON.stringify(signatureOf(outputs)) !== JSON.stringify(want)) {
          const form = want.outputs.map((o) => `${o.name} ${o.dtype}[${o.shape}]`).join(', ')
          return {
            ok: false,
            reason: 'wrong-shape',
            message: `batch ${b}: outputs are not the model's (${form})`,
          }
        }
      }
      return undefined
    },
  }
}
