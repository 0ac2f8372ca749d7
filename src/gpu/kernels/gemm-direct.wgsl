// The same product as gemm.wgsl without workgroup memory: each thread reads its RM rows of A and RN
// columns of B straight from storage and accumulates an RM x RN block. On CPU-backed adapters
// (SwiftShader) the barriers and shared-memory traffic of the tiled kernel cost more than they save;
// on real GPUs the tiled kernel usually wins. The autotuner picks per adapter.

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
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

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * RM;
  let col0 = gid.x * RN;
  if (row0 >= dims.m || col0 >= dims.n) {
    return;
  }
  // Clamp indices into range and mask the results: no branches in the inner loop.
  var rows: array<u32, RM>;
  var cols: array<u32, RN>;
  for (var i = 0u; i < RM; i++) {
    rows[i] = min(row0 + i, dims.m - 1u);
  }
  for (var j = 0u; j < RN; j++) {
    cols[j] = min(col0 + j, dims.n - 1u);
  }

  var acc: array<f32, RM * RN>;
  for (var i = 0u; i < RM * RN; i++) {
    acc[i] = 0.0;
  }
  for (var kk = 0u; kk < dims.k; kk++) {
    var aReg: array<f32, RM>;
    var bReg: array<f32, RN>;
    for (var i = 0u; i < RM; i++) {
      if (TRANS_A) {
        aReg[i] = a[kk * dims.m + rows[i]];
      } else {
        aReg[i] = a[rows[i] * dims.k + kk];
      }
    }
    for (var j = 0u; j < RN; j++) {
      if (TRANS_B) {
        bReg[j] = b[cols[j] * dims.k + kk];
      } else {
        bReg[j] = b[kk * dims.n + cols[j]];
      }
    }
    for (var i = 0u; i < RM; i++) {
      for (var j = 0u; j < RN; j++) {
        acc[i * RN + j] = fma(aReg[i], bReg[j], acc[i * RN + j]);
      }
    }
  }

  for (var i = 0u; i < RM; i++) {
    let r = row0 + i;
    if (r >= dims.m) {
      break;
    }
    for (var j = 0u; j < RN; j++) {
      let col = col0 + j;
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
