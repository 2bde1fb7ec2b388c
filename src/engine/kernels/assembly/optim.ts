// Optimiser updates in one pass over a flat parameter block, with PyTorch's formulas.
import { fp } from './gemm';

/**
 * Adam (torch.optim.Adam, amsgrad off): m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 * p ← p − (lr / bc1) · m / (√v / √bc2 + ε), with bc1 = 1 − β1ᵗ and bc2 = 1 − β2ᵗ passed in.
 * weightDecay > 0 adds weightDecay·p to g first (L2, as torch.optim.Adam does).
 */
export function adam(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32, weightDecay: f32,
): void {
  const stepSize = lr / bc1;
  const invSqrtBc2: f32 = 1 / Mathf.sqrt(bc2);
  const vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(1 - beta1);
  const vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(1 - beta2);
  const vs = f32x4.splat(stepSize), vib = f32x4.splat(invSqrtBc2), ve = f32x4.splat(eps);
  const vwd = f32x4.splat(weightDecay);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (weightDecay != 0) gv = f32x4.add(gv, f32x4.mul(vwd, pv));
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, gv));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vb2c, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), vib), ve);
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(vs, f32x4.div(mv, denom))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    let gv = load<f32>(g + o);
    if (weightDecay != 0) gv += weightDecay * pv;
    const mv = beta1 * load<f32>(m + o) + (1 - beta1) * gv;
    const vv = beta2 * load<f32>(v + o) + (1 - beta2) * gv * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, pv - stepSize * mv / (Mathf.sqrt(vv) * invSqrtBc2 + eps));
  }
}

/** Plain SGD: p ← p − lr·(g + weightDecay·p). */
export function sgd(p: usize, g: usize, n: i32, lr: f32, weightDecay: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const pv = load<f32>(p + o);
    store<f32>(p + o, pv - lr * (load<f32>(g + o) + weightDecay * pv));
  }
}

/** Σ g², accumulated in f64 so long blocks don't lose precision. */
export function sumSquares(g: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let total: f64 = 0;
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const x = v128.load(fp(g, i));
    acc = f32x4.add(acc, f32x4.mul(x, x));
    if ((i & 4095) == 4092) {
      total += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
      acc = f32x4.splat(0);
    }
  }
  total += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const x = <f64>load<f32>(fp(g, i));
    total += x * x;
  }
  return total;
}

/** g ← s·g. */
export function scale(g: usize, n: i32, s: f32): void {
  for (let i = 0; i < n; i++) store<f32>(fp(g, i), load<f32>(fp(g, i)) * s);
}
