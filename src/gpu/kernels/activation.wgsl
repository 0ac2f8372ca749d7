// Shared epilogue, prepended to kernels that fuse an activation. ACT: 0 none, 1 ReLU, 2 GELU (tanh
// approximation, as GPT-2). The tanh argument is clamped: some drivers return NaN for tanh of large x.
override ACT: u32 = 0u;

fn gelu(x: f32) -> f32 {
  let u = clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -15.0, 15.0);
  return 0.5 * x * (1.0 + tanh(u));
}

fn activate(x: f32) -> f32 {
  if (ACT == 1u) {
    return max(x, 0.0);
  }
  if (ACT == 2u) {
    return gelu(x);
  }
  return x;
}
