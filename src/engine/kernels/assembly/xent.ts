// Softmax cross-entropy (log_softmax + NLL) fused, forward and gradient in one pass over the logits.
import { fp } from './gemm';
import { exp4 } from './math';

/**
 * logits [N, V] row-major, labels i32 [N]. Writes per-row loss (logsumexp − logit[label]) to
 * `losses` [N] and, when dlogits ≠ 0, (softmax − onehot(label))·scale to dlogits [N, V].
 * Rows whose label is < 0 are ignored (loss 0, gradient 0): PyTorch's ignore_index.
 */
export function softmaxXent(logits: usize, labels: usize, N: i32, V: i32, losses: usize, dlogits: usize, scale: f32): void {
  const V4 = V & ~3;
  for (let r = 0; r < N; r++) {
    const row = fp(logits, r * V);
    const label = load<i32>(labels + (<usize>r << 2));
    if (label < 0) {
      store<f32>(fp(losses, r), 0);
      if (dlogits != 0) memory.fill(fp(dlogits, r * V), 0, <usize>V << 2);
      continue;
    }
    // max
    let mv = f32x4.splat(-Infinity);
    let j = 0;
    for (; j < V4; j += 4) mv = f32x4.pmax(mv, v128.load(fp(row, j)));
    let m = Mathf.max(Mathf.max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), Mathf.max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < V; j++) m = Mathf.max(m, load<f32>(fp(row, j)));
    // Σ exp(x − m)
    const ms = f32x4.splat(m);
    let sv = f32x4.splat(0);
    j = 0;
    for (; j < V4; j += 4) sv = f32x4.add(sv, exp4(f32x4.sub(v128.load(fp(row, j)), ms)));
    let sum: f64 = <f64>f32x4.extract_lane(sv, 0) + <f64>f32x4.extract_lane(sv, 1) + <f64>f32x4.extract_lane(sv, 2) + <f64>f32x4.extract_lane(sv, 3);
    for (; j < V; j++) sum += <f64>f32x4.extract_lane(exp4(f32x4.splat(load<f32>(fp(row, j)) - m)), 0);
    const lse: f32 = m + <f32>Math.log(sum);
    store<f32>(fp(losses, r), lse - load<f32>(fp(row, label)));
    if (dlogits != 0) {
      const out = fp(dlogits, r * V);
      const ls = f32x4.splat(lse), sc = f32x4.splat(scale);
      j = 0;
      for (; j < V4; j += 4) v128.store(fp(out, j), f32x4.mul(exp4(f32x4.sub(v128.load(fp(row, j)), ls)), sc));
      for (; j < V; j++) store<f32>(fp(out, j), f32x4.extract_lane(exp4(f32x4.splat(load<f32>(fp(row, j)) - lse)), 0) * scale);
      store<f32>(fp(out, label), load<f32>(fp(out, label)) - scale);
    }
  }
}
