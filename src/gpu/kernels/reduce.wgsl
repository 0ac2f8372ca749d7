// Workgroup-wide sum and max over WG threads (WG a power of two), for row kernels that give each row
// to one workgroup. Must be called from uniform control flow by every thread of the workgroup.
override WG: u32 = 64u;

var<workgroup> scratch: array<f32, WG>;

fn workgroupSum(v: f32, lid: u32) -> f32 {
  workgroupBarrier();
  scratch[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      scratch[lid] += scratch[lid + s];
    }
    workgroupBarrier();
  }
  return scratch[0];
}

fn workgroupMax(v: f32, lid: u32) -> f32 {
  workgroupBarrier();
  scratch[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      scratch[lid] = max(scratch[lid], scratch[lid + s]);
    }
    workgroupBarrier();
  }
  return scratch[0];
}
