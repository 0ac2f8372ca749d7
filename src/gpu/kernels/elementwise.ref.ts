/** CPU references for elementwise.wgsl and activation.wgsl. */

export type ActivationName = 'none' | 'relu' | 'gelu'

const GELU_C = Math.sqrt(2 / Math.PI)

export function geluRef(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x ** 3)))
}

/** d gelu(x) / dx for the tanh approximation. */
export function geluGradRef(x: number): number {
  const u = GELU_C * (x + 0.044715 * x ** 3)
  const t = Math.tanh(u)
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x)
}

export function activationRef(name: ActivationName): (x: number) => number {
  if (name === 'relu') return (x) => Math.max(0, x)
  if (name === 'gelu') return geluRef
  return (x) => x
}

export type ElementwiseOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'scale'
  | 'axpy'
  | 'relu'
  | 'gelu'
  | 'relu-backward'
  | 'gelu-backward'

/**
 * out = op(x, y, alpha). Binary ops read y; `scale` is alpha*x; `axpy` is y + alpha*x; the backward
 * ops take x (the forward input) and y (the upstream gradient).
 */
export function elementwiseRef(
  op: ElementwiseOp,
  x: Float32Array,
  y?: Float32Array,
  alpha = 1,
): Float32Array {
  const out = new Float32Array(x.length)
  const yy = y ?? new Float32Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const a = x[i]
    const b = yy[i]
    switch (op) {
      case 'add':
        out[i] = a + b
        break
      case 'sub':
        out[i] = a - b
        break
      case 'mul':
        out[i] = a * b
        break
      case 'scale':
        out[i] = alpha * a
        break
      case 'axpy':
        out[i] = b + alpha * a
        break
      case 'relu':
        out[i] = Math.max(0, a)
        break
      case 'gelu':
        out[i] = geluRef(a)
        break
      case 'relu-backward':
        out[i] = a > 0 ? b : 0
        break
      case 'gelu-backward':
        out[i] = b * geluGradRef(a)
        break
    }
  }
  return out
}
