// C (M x N) = A (M x K) * B (K x N), row-major f32.
//
// Each workgroup computes a (WG_Y*RM) x (WG_X*RN) tile of C. The K dimension is walked in steps of
// TILE_K: the workgroup stages the matching slices of A and B in workgroup memory, then each thread
// accumulates an RM x RN block in registers. Loads outside M, N or K read zero, so any shape works.
//
// RM and RN size register arrays, so they must be const, not override: gemm.ts prepends them.

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;

struct Dims {
  m: u32,
  n: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

var<workgroup> tileA: array<f32, WG_Y * RM * TILE_K>;
var<workgroup> tileB: array<f32, TILE_K * WG_X * RN>;

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
      let r = row0 + idx / TILE_K;
      let kk = k0 + idx % TILE_K;
      var v = 0.0;
      if (r < dims.m && kk < dims.k) {
        v = a[r * dims.k + kk];
      }
      tileA[idx] = v;
    }
    for (var idx = flat; idx < TILE_K * tileN; idx += threads) {
      let kk = k0 + idx / tileN;
      let col = col0 + idx % tileN;
      var v = 0.0;
      if (kk < dims.k && col < dims.n) {
        v = b[kk * dims.n + col];
      }
      tileB[idx] = v;
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
        c[r * dims.n + col] = acc[i * RN + j];
      }
    }
  }
}
