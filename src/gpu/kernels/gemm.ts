/**
 * Host side of gemm.wgsl (workgroup-tiled), gemm-direct.wgsl (register-blocked, no workgroup memory)
 * and gemm-vec4.wgsl (vec4 rows, N and K multiples of 4): C = act(op(A)·op(B) + bias), f32, any M,
 * N, K. A variant that cannot take a shape falls back to the general direct kernel. CPU reference:
 * gemm.ref.ts.
 */
import type { GpuRuntime, GpuTensor } from '../runtime.ts'
import activationSource from './activation.wgsl?raw'
import tiledSource from './gemm.wgsl?raw'
import directSource from './gemm-direct.wgsl?raw'
import vec4Source from './gemm-vec4.wgsl?raw'

export type Activation = 'none' | 'relu' | 'gelu'
const ACT_CODE: Record<Activation, number> = { none: 0, relu: 1, gelu: 2 }

export type GemmVariant =
  | { kind: 'tiled'; wgX: number; wgY: number; rm: number; rn: number; tileK: number }
  | { kind: 'direct'; wgX: number; wgY: number; rm: number; rn: number }
  | { kind: 'vec4'; wgX: number; wgY: number; rm: 4; rn: 4 }

/** Candidates the autotuner times on each adapter; the first is the default before tuning. */
export const GEMM_VARIANTS: GemmVariant[] = [
  { kind: 'tiled', wgX: 16, wgY: 16, rm: 4, rn: 4, tileK: 16 },
  { kind: 'tiled', wgX: 8, wgY: 8, rm: 4, rn: 4, tileK: 16 },
  { kind: 'direct', wgX: 8, wgY: 8, rm: 4, rn: 4 },
  { kind: 'direct', wgX: 8, wgY: 8, rm: 8, rn: 4 },
  { kind: 'direct', wgX: 4, wgY: 8, rm: 4, rn: 8 },
  { kind: 'vec4', wgX: 8, wgY: 8, rm: 4, rn: 4 },
  { kind: 'vec4', wgX: 16, wgY: 4, rm: 4, rn: 4 },
  { kind: 'vec4', wgX: 4, wgY: 16, rm: 4, rn: 4 },
]

/** The general kernel a variant falls back to for shapes it cannot take. */
const FALLBACK: GemmVariant = { kind: 'direct', wgX: 8, wgY: 8, rm: 4, rn: 4 }

export function variantKey(v: GemmVariant): string {
  return v.kind === 'tiled'
    ? `tiled-${v.wgX}x${v.wgY}-${v.rm}x${v.rn}-k${v.tileK}`
    : `${v.kind}-${v.wgX}x${v.wgY}-${v.rm}x${v.rn}`
}

export interface GemmOptions {
  /** A is stored K x M. */
  transA?: boolean
  /** B is stored N x K. */
  transB?: boolean
  /** N entries added to every row. */
  bias?: GpuTensor
  activation?: Activation
  variant?: GemmVariant
}

/** Shapes of op(A) and op(B): [m, k] and [k, n]. */
function dims(a: GpuTensor, b: GpuTensor, o: GemmOptions): { m: number; n: number; k: number } {
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new RangeError('gemm operands must be matrices')
  const [m, k] = o.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]]
  const [k2, n] = o.transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]]
  if (k !== k2) throw new RangeError(`gemm: op(A) is ${m}x${k} but op(B) is ${k2}x${n}`)
  if (o.bias != null && o.bias.size !== n)
    throw new RangeError(`gemm: bias has ${o.bias.size} entries, want ${n}`)
  return { m, n, k }
}

export function fitsDevice(rt: GpuRuntime, v: GemmVariant): boolean {
  if (v.wgX * v.wgY > rt.caps.maxWorkgroupInvocations) return false
  return v.kind !== 'tiled' || 4 * v.tileK * (v.wgY * v.rm + v.wgX * v.rn) <= rt.caps.maxWorkgroupStorage
}

/** Whether a variant can compute this product (vec4 needs N, K multiples of 4 and no transposes). */
export function takesShape(v: GemmVariant, n: number, k: number, o: GemmOptions = {}): boolean {
  return v.kind !== 'vec4' || (n % 4 === 0 && k % 4 === 0 && !o.transA && !o.transB)
}

const SOURCES = { tiled: tiledSource, direct: directSource, vec4: vec4Source }

export function gemm(rt: GpuRuntime, a: GpuTensor, b: GpuTensor, options: GemmOptions = {}): GpuTensor {
  const { m, n, k } = dims(a, b, options)
  const chosen = options.variant ?? GEMM_VARIANTS[0]
  const v = takesShape(chosen, n, k, options) ? chosen : FALLBACK
  if (!fitsDevice(rt, v)) throw new RangeError(`gemm variant ${variantKey(v)} does not fit this device`)
  const constants: Record<string, number> = {
    WG_X: v.wgX,
    WG_Y: v.wgY,
    ...(v.kind === 'vec4' ? {} : { TRANS_A: options.transA ? 1 : 0, TRANS_B: options.transB ? 1 : 0 }),
    HAS_BIAS: options.bias ? 1 : 0,
    ACT: ACT_CODE[options.activation ?? 'none'],
    ...(v.kind === 'tiled' ? { TILE_K: v.tileK } : {}),
  }
  // The register-block sizes are part of the source (prepended consts), so the variant names the shader.
  const code = `const RM: u32 = ${v.rm}u;\nconst RN: u32 = ${v.rn}u;\n${activationSource}\n${SOURCES[v.kind]}`
  const label = `gemm.${variantKey(v)}`
  const pipeline = rt.kernel(label, code, 'main', constants)
  const c = rt.tensor([m, n])
  // The bias binding is statically used by the shader, so it is always bound; HAS_BIAS decides reads.
  const bias = options.bias?.buffer ?? rt.placeholder
  rt.dispatch(
    pipeline,
    [rt.uniform([m, n, k]), a.buffer, b.buffer, bias, c.buffer],
    [Math.ceil(n / (v.wgX * v.rn)), Math.ceil(m / (v.wgY * v.rm))],
    label,
  )
  return c
}
