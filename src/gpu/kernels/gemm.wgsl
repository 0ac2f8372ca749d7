// C (M x N) = act(op(A) * op(B) + bias), row-major f32, where op transposes when TRANS_A / TRANS_B:
// A is stored M x K (or K x M), B is stored K x N (or N x K), bias has N entries.
//
// Each workgroup computes a (WG_Y*RM) x (WG_X*RN) tile of C. K is walked TILE_K at a time: the
// workgroup stages the matching slices of A and B in workgroup memory, then each thread accumulates
// an RM x RN block in registers. Loads outside M, N or K read zero, so any shape works.
// RM and RN size register arrays, so they are consts that gemm.ts prepends; activation.wgsl is
// prepended too.

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;

struct Dims {
  m: u32,
  n: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

var<workgroup> tileA: array<f32, WG_Y * RM * TILE_K>;
var<workgroup> tileB: array<f32, TILE_K * WG_X * RN>;

fn loadA(r: u32, kk: u32) -> f32 {
  if (r >= dims.m || kk >= dims.k) {
    return 0.0;
  }
  if (TRANS_A) {
    return a[kk * dims.m + r];
  }
  return a[r * dims.k + kk];
}

fn loadB(kk: u32, col: u32) -> f32 {
  if (kk >= dims.k || col >= dims.n) {
    return 0.0;
  }
  if (TRANS_B) {
    return b[col * dims.k + kk];
  }
  return b[kk * dims.n + col];
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let tileM = WG_Y * RM;
  let tileN = WG_X * RN;
  let row0 = wid.y * tileM;
  let col0 = wid.x * tileN;
  let threads = WG_X * WG_Y;
  let flat = lid.y * WG_X + lid.x;

  var acc: array<f32, RM * RN>;
  for (var i = 0u; i < RM * RN; i++) {
    acc[i] = 0.0;
  }

  for (var k0 = 0u; k0 < dims.k; k0 += TILE_K) {
    for (var idx = flat; idx < tileM * TILE_K; idx += threads) {
      tileA[idx] = loadA(row0 + idx / TILE_K, k0 + idx % TILE_K);
    }
    for (var idx = flat; idx < TILE_K * tileN; idx += threads) {
      tileB[idx] = loadB(k0 + idx / tileN, col0 + idx % tileN);
    }
    workgroupBarrier();

    for (var kk = 0u; kk < TILE_K; kk++) {
      var aReg: array<f32, RM>;
      var bReg: array<f32, RN>;
      for (var i = 0u; i < RM; i++) {
        aReg[i] = tileA[(lid.y * RM + i) * TILE_K + kk];
      }
      for (var j = 0u; j < RN; j++) {
        bReg[j] = tileB[kk * tileN + lid.x * RN + j];
      }
      for (var i = 0u; i < RM; i++) {
        for (var j = 0u; j < RN; j++) {
          acc[i * RN + j] = fma(aReg[i], bReg[j], acc[i * RN + j]);
        }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < RM; i++) {
    let r = row0 + lid.y * RM + i;
    if (r >= dims.m) {
      break;
    }
    for (var j = 0u; j < RN; j++) {
      let col = col0 + lid.x * RN + j;
      if (col < dims.n) {
        var v = acc[i * RN + j];
        if (HAS_BIAS) {
          v += bias[col];
        }
        c[r * dims.n + col] = activate(v);
      }
    }
  }
}
