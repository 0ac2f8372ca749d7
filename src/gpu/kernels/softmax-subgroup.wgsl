// softmax.wgsl's forward with subgroup reductions, for adapters with the `subgroups` feature: each
// subgroup reduces in registers and only one value per subgroup goes through workgroup memory.
enable subgroups;

override WG: u32 = 64u;
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

// One slot per subgroup; subgroups hold at least 4 invocations on every WebGPU implementation.
var<workgroup> partial: array<f32, WG / 4u>;

fn combine(v: f32, lid: u32, sgid: u32, sgsize: u32, isMax: bool) -> f32 {
  let slot = lid / sgsize;
  let count = (WG + sgsize - 1u) / sgsize;
  workgroupBarrier();
  if (sgid == 0u) {
    partial[slot] = v;
  }
  workgroupBarrier();
  var r = partial[0];
  for (var i = 1u; i < count; i++) {
    r = select(r + partial[i], max(r, partial[i]), isMax);
  }
  return r;
}

@compute @workgroup_size(WG)
fn forward(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(subgroup_invocation_id) sgid: u32,
  @builtin(subgroup_size) sgsize: u32,
) {
  let row = wid.x + wid.y * 65535u;
  let valid = row < params.rows;
  let base = row * params.cols;
  var limit = params.cols;
  if (CAUSAL > 0u) {
    limit = min(row % max(CAUSAL, 1u) + 1u, params.cols);
  }
  limit = select(0u, limit, valid);
  var m = -3.4e38;
  for (var j = lid; j < limit; j += WG) {
    m = max(m, params.scale * x[base + j]);
  }
  m = combine(subgroupMax(m), lid, sgid, sgsize, true);
  var s = 0.0;
  for (var j = lid; j < limit; j += WG) {
    s += exp(params.scale * x[base + j] - m);
  }
  s = combine(subgroupAdd(s), lid, sgid, sgsize, false);
  if (!valid) {
    return;
  }
  for (var j = lid; j < params.cols; j += WG) {
    out[base + j] = select(0.0, exp(params.scale * x[base + j] - m) / s, j < limit);
  }
}
