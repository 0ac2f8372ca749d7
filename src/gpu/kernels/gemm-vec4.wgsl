// C = act(A·B + bias) with B, C (and bias) read and written as vec4 rows: each thread computes a
// 4 x 4 block held in four vec4 accumulators, walking K four at a time with 16 vec4 FMAs per step.
// No workgroup memory and no private arrays: CPU-backed adapters (SwiftShader) vectorise this well.
// Needs N and K to be multiples of 4 and no transposes; gemm.ts falls back to gemm-direct otherwise.
// activation.wgsl is prepended.

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override HAS_BIAS: bool = false;

struct Dims {
  m: u32,
  n: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> c: array<vec4<f32>>;

fn act4(v: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(activate(v.x), activate(v.y), activate(v.z), activate(v.w));
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n4 = dims.n / 4u;
  let k4 = dims.k / 4u;
  let col = gid.x;
  let row0 = gid.y * 4u;
  if (col >= n4 || row0 >= dims.m) {
    return;
  }
  // Rows past M read row M-1 (clamped) and are not stored: no branches in the loop.
  let r0 = row0;
  let r1 = min(row0 + 1u, dims.m - 1u);
  let r2 = min(row0 + 2u, dims.m - 1u);
  let r3 = min(row0 + 3u, dims.m - 1u);
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var kk = 0u; kk < k4; kk++) {
    let b0 = b[(4u * kk) * n4 + col];
    let b1 = b[(4u * kk + 1u) * n4 + col];
    let b2 = b[(4u * kk + 2u) * n4 + col];
    let b3 = b[(4u * kk + 3u) * n4 + col];
    let a0 = a[r0 * k4 + kk];
    let a1 = a[r1 * k4 + kk];
    let a2 = a[r2 * k4 + kk];
    let a3 = a[r3 * k4 + kk];
    acc0 = fma(vec4<f32>(a0.x), b0, fma(vec4<f32>(a0.y), b1, fma(vec4<f32>(a0.z), b2, fma(vec4<f32>(a0.w), b3, acc0))));
    acc1 = fma(vec4<f32>(a1.x), b0, fma(vec4<f32>(a1.y), b1, fma(vec4<f32>(a1.z), b2, fma(vec4<f32>(a1.w), b3, acc1))));
    acc2 = fma(vec4<f32>(a2.x), b0, fma(vec4<f32>(a2.y), b1, fma(vec4<f32>(a2.z), b2, fma(vec4<f32>(a2.w), b3, acc2))));
    acc3 = fma(vec4<f32>(a3.x), b0, fma(vec4<f32>(a3.y), b1, fma(vec4<f32>(a3.z), b2, fma(vec4<f32>(a3.w), b3, acc3))));
  }
  var bv = vec4<f32>(0.0);
  if (HAS_BIAS) {
    bv = bias[col];
  }
  c[r0 * n4 + col] = act4(acc0 + bv);
  if (row0 + 1u < dims.m) {
    c[r1 * n4 + col] = act4(acc1 + bv);
  }
  if (row0 + 2u < dims.m) {
    c[r2 * n4 + col] = act4(acc2 + bv);
  }
  if (row0 + 3u < dims.m) {
    c[r3 * n4 + col] = act4(acc3 + bv);
  }
}
