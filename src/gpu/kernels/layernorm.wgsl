// LayerNorm over the last dimension, one workgroup per row; reduce.wgsl is prepended.
//   forward:      y = (x − mean) · rstd · gamma + beta, saving mean and rstd per row
//   backward:     dx = rstd · (g − mean(g) − xhat · mean(g ⊙ xhat)), g = dy ⊙ gamma
//   paramGrads:   dgamma = Σ_rows dy ⊙ xhat, dbeta = Σ_rows dy (one thread per column)
struct Params {
  rows: u32,
  cols: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<storage, read_write> out2: array<f32>;

fn rowOf(wid: vec3<u32>) -> u32 {
  return wid.x + wid.y * 65535u;
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = rowOf(wid);
  let valid = row < params.rows;
  let base = row * params.cols;
  let cols = select(0u, params.cols, valid);
  var s = 0.0;
  for (var j = lid; j < cols; j += WG) {
    s += x[base + j];
  }
  let mean = workgroupSum(s, lid) / f32(params.cols);
  var v = 0.0;
  for (var j = lid; j < cols; j += WG) {
    let d = x[base + j] - mean;
    v += d * d;
  }
  let rstd = inverseSqrt(workgroupSum(v, lid) / f32(params.cols) + params.eps);
  if (!valid) {
    return;
  }
  for (var j = lid; j < params.cols; j += WG) {
    out[base + j] = (x[base + j] - mean) * rstd * gamma[j] + beta[j];
  }
  if (lid == 0u) {
    stats[2u * row] = mean;
    stats[2u * row + 1u] = rstd;
  }
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = rowOf(wid);
  let valid = row < params.rows;
  let base = row * params.cols;
  let cols = select(0u, params.cols, valid);
  var mean = 0.0;
  var rstd = 0.0;
  if (valid) {
    mean = stats[2u * row];
    rstd = stats[2u * row + 1u];
  }
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = lid; j < cols; j += WG) {
    let g = dy[base + j] * gamma[j];
    sg += g;
    sgx += g * (x[base + j] - mean) * rstd;
  }
  let meanG = workgroupSum(sg, lid) / f32(params.cols);
  let meanGX = workgroupSum(sgx, lid) / f32(params.cols);
  if (!valid) {
    return;
  }
  for (var j = lid; j < params.cols; j += WG) {
    let xhat = (x[base + j] - mean) * rstd;
    out[base + j] = rstd * (dy[base + j] * gamma[j] - meanG - xhat * meanGX);
  }
}

@compute @workgroup_size(WG)
fn paramGrads(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= params.cols) {
    return;
  }
  var dg = 0.0;
  var db = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    let i = r * params.cols + j;
    dg += dy[i] * (x[i] - stats[2u * r]) * stats[2u * r + 1u];
    db += dy[i];
  }
  out[j] = dg;
  out2[j] = db;
}
