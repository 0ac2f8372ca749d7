// Row softmax of scale * x, one workgroup per row; CAUSAL > 0 masks column j > (row % CAUSAL) (an
// attention matrix per CAUSAL rows). reduce.wgsl is prepended. Entry `backward`: dX = scale * Y ⊙
// (dY − rowsum(dY ⊙ Y)).
override CAUSAL: u32 = 0u;

struct Params {
  rows: u32,
  cols: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn limitOf(row: u32) -> u32 {
  if (CAUSAL > 0u) {
    return min(row % max(CAUSAL, 1u) + 1u, params.cols);
  }
  return params.cols;
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * 65535u;
  let valid = row < params.rows;
  let base = row * params.cols;
  let limit = select(0u, limitOf(row), valid);
  var m = -3.4e38;
  for (var j = lid; j < limit; j += WG) {
    m = max(m, params.scale * x[base + j]);
  }
  m = workgroupMax(m, lid);
  var s = 0.0;
  for (var j = lid; j < limit; j += WG) {
    s += exp(params.scale * x[base + j] - m);
  }
  s = workgroupSum(s, lid);
  if (!valid) {
    return;
  }
  for (var j = lid; j < params.cols; j += WG) {
    out[base + j] = select(0.0, exp(params.scale * x[base + j] - m) / s, j < limit);
  }
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * 65535u;
  let valid = row < params.rows;
  let base = row * params.cols;
  let cols = select(0u, params.cols, valid);
  var d = 0.0;
  for (var j = lid; j < cols; j += WG) {
    d += dy[base + j] * x[base + j];
  }
  d = workgroupSum(d, lid);
  if (!valid) {
    return;
  }
  for (var j = lid; j < params.cols; j += WG) {
    out[base + j] = params.scale * x[base + j] * (dy[base + j] - d);
  }
}
