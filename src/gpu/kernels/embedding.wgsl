// Embedding lookup and its backward. WGSL has no float atomics, so the backward gives each thread one
// (vocab row, column) of the gradient and sums the tokens that hit that row: deterministic, and
// O(vocab · dim · tokens), fine for the small vocabularies of the models trained here.
override WG: u32 = 64u;

struct Params {
  tokens: u32,
  vocab: u32,
  dim: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> table: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn gather(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.tokens * params.dim) {
    return;
  }
  let t = i / params.dim;
  let d = i % params.dim;
  out[i] = table[min(ids[t], params.vocab - 1u) * params.dim + d];
}

// `table` is the upstream gradient (tokens x dim) here; `out` is the table gradient (vocab x dim).
@compute @workgroup_size(WG)
fn scatterAdd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.vocab * params.dim) {
    return;
  }
  let v = i / params.dim;
  let d = i % params.dim;
  var s = 0.0;
  for (var t = 0u; t < params.tokens; t++) {
    if (ids[t] == v) {
      s += table[t * params.dim + d];
    }
  }
  out[i] = s;
}
