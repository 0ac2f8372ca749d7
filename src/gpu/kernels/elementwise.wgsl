// out[i] = op(x[i], y[i], alpha); OP codes match ELEMENTWISE_OPS in elementwise.ts. activation.wgsl is
// prepended (gelu). Binary ops read y; unary ops bind a placeholder there.
override OP: u32 = 0u;
override WG: u32 = 256u;

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn geluGrad(v: f32) -> f32 {
  let k = 0.7978845608028654;
  let u = clamp(k * (v + 0.044715 * v * v * v), -15.0, 15.0);
  let t = tanh(u);
  // sech^2 through cosh: 1 - t*t loses every digit when |t| is close to 1.
  let ch = cosh(u);
  return 0.5 * (1.0 + t) + 0.5 * v / (ch * ch) * k * (1.0 + 3.0 * 0.044715 * v * v);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // 2D grid so that more than 65535 workgroups' worth of elements fit.
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.n) {
    return;
  }
  let a = x[i];
  var r = 0.0;
  switch OP {
    case 0u: { r = a + y[i]; }
    case 1u: { r = a - y[i]; }
    case 2u: { r = a * y[i]; }
    case 3u: { r = params.alpha * a; }
    case 4u: { r = y[i] + params.alpha * a; }
    case 5u: { r = max(a, 0.0); }
    case 6u: { r = gelu(a); }
    case 7u: { r = select(0.0, y[i], a > 0.0); }
    case 8u: { r = y[i] * geluGrad(a); }
    default: { r = a; }
  }
  out[i] = r;
}
