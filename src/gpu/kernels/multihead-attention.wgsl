// Causal multi-head self-attention read straight from the fused QKV projection (see
// multihead-attention.ref.ts for the layout). One thread per (sequence, head, position) row: at the
// small contexts trained here (T ≤ 256) a row is a few thousand multiply-adds, and no thread ever
// writes what another writes, so the backward needs no atomics: one pass per query row (dQ and the
// score gradients), one per key row (dK, dV).
override WG: u32 = 64u;

struct Params {
  // batch · heads · T
  rows: u32,
  t: u32,
  heads: u32,
  width: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read_write> probs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read_write> dqkv: array<f32>;
@group(0) @binding(6) var<storage, read_write> dscores: array<f32>;

struct Row {
  // First column of this row's q (k is + width, v + 2·width) for position 0 of its sequence.
  base: u32,
  // Position within the sequence.
  t: u32,
  // First entry of this row in probs.
  p: u32,
  // First column of this row in out / dout.
  o: u32,
  hd: u32,
}

fn row(r: u32) -> Row {
  let T = params.t;
  let d = params.width;
  let hd = d / params.heads;
  let b = r / (params.heads * T);
  let h = (r / T) % params.heads;
  let t = r % T;
  return Row(b * T * 3u * d + h * hd, t, r * T, (b * T + t) * d + h * hd, hd);
}

fn index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = index(gid, groups);
  if (r >= params.rows) {
    return;
  }
  let w = row(r);
  let stride = 3u * params.width;
  let q = w.base + w.t * stride;
  var m = -3.0e38;
  for (var u = 0u; u <= w.t; u++) {
    let k = w.base + u * stride + params.width;
    var dot = 0.0;
    for (var i = 0u; i < w.hd; i++) {
      dot = fma(qkv[q + i], qkv[k + i], dot);
    }
    probs[w.p + u] = dot * params.scale;
    m = max(m, dot * params.scale);
  }
  var sum = 0.0;
  for (var u = 0u; u <= w.t; u++) {
    let e = exp(probs[w.p + u] - m);
    probs[w.p + u] = e;
    sum += e;
  }
  for (var u = 0u; u < params.t; u++) {
    probs[w.p + u] = select(0.0, probs[w.p + u] / sum, u <= w.t);
  }
  for (var i = 0u; i < w.hd; i++) {
    var acc = 0.0;
    for (var u = 0u; u <= w.t; u++) {
      acc = fma(probs[w.p + u], qkv[w.base + u * stride + 2u * params.width + i], acc);
    }
    out[w.o + i] = acc;
  }
}

// Per query row: the score gradients (kept in dscores for the key pass) and dQ.
@compute @workgroup_size(WG)
fn backwardQuery(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = index(gid, groups);
  if (r >= params.rows) {
    return;
  }
  let w = row(r);
  let stride = 3u * params.width;
  var dot = 0.0;
  for (var u = 0u; u <= w.t; u++) {
    let v = w.base + u * stride + 2u * params.width;
    var dp = 0.0;
    for (var i = 0u; i < w.hd; i++) {
      dp = fma(dout[w.o + i], qkv[v + i], dp);
    }
    dscores[w.p + u] = dp;
    dot = fma(probs[w.p + u], dp, dot);
  }
  for (var u = 0u; u <= w.t; u++) {
    dscores[w.p + u] = probs[w.p + u] * (dscores[w.p + u] - dot) * params.scale;
  }
  let q = w.base + w.t * stride;
  for (var i = 0u; i < w.hd; i++) {
    var acc = 0.0;
    for (var u = 0u; u <= w.t; u++) {
      acc = fma(dscores[w.p + u], qkv[w.base + u * stride + params.width + i], acc);
    }
    dqkv[q + i] = acc;
  }
}

// Per key row s: dK = Σ_t dscores[t, s] q_t and dV = Σ_t probs[t, s] dout_t over t ≥ s.
@compute @workgroup_size(WG)
fn backwardKey(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = index(gid, groups);
  if (r >= params.rows) {
    return;
  }
  let w = row(r);
  let s = w.t;
  let stride = 3u * params.width;
  // Row (b·H + h)·T + t of probs starts at (r − s + t)·T.
  let first = (r - s) * params.t;
  let oFirst = w.o - s * params.width;
  let k = w.base + s * stride + params.width;
  for (var i = 0u; i < w.hd; i++) {
    var dk = 0.0;
    var dv = 0.0;
    for (var t = s; t < params.t; t++) {
      let at = first + t * params.t + s;
      dk = fma(dscores[at], qkv[w.base + t * stride + i], dk);
      dv = fma(probs[at], dout[oFirst + t * params.width + i], dv);
    }
    dqkv[k + i] = dk;
    dqkv[k + params.width + i] = dv;
  }
}
