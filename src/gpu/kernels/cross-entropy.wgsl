// Cross-entropy with logits, one workgroup per row; reduce.wgsl is prepended.
//   forward:  loss[row] = logsumexp(logits[row]) − logits[row, target]
//   backward: dlogits = (softmax(logits) − onehot(target)) / rows
struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

// The row's max and its sum of exp(logit − max), reduced over the workgroup; every thread must call it.
fn rowStats(base: u32, cols: u32, lid: u32) -> vec2<f32> {
  var m = -3.4e38;
  for (var j = lid; j < cols; j += WG) {
    m = max(m, logits[base + j]);
  }
  m = workgroupMax(m, lid);
  var s = 0.0;
  for (var j = lid; j < cols; j += WG) {
    s += exp(logits[base + j] - m);
  }
  return vec2<f32>(m, workgroupSum(s, lid));
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * 65535u;
  let valid = row < params.rows;
  let base = row * params.cols;
  let stats = rowStats(base, select(0u, params.cols, valid), lid);
  if (valid && lid == 0u) {
    out[row] = log(stats.y) + stats.x - logits[base + targets[row]];
  }
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * 65535u;
  let valid = row < params.rows;
  let base = row * params.cols;
  let stats = rowStats(base, select(0u, params.cols, valid), lid);
  if (!valid) {
    return;
  }
  let label = targets[row];
  for (var j = lid; j < params.cols; j += WG) {
    let p = exp(logits[base + j] - stats.x) / stats.y;
    out[base + j] = (p - select(0.0, 1.0, j == label)) / f32(params.rows);
  }
}
