// The forecaster's head and loss (nn/losses.ts): a linear layer and the mean squared error, in
// float64. Four rows at a time, each row's sum in its own float64 lane (f64x2 pairs): the same
// operations in the same order as one row at a time, so the same bits, without waiting on one
// row's chain of dependent additions before starting the next.

import { fp } from './gemm';

@inline
function f64At(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** Row r's x[h] and row r+1's, as an f64x2. */
@inline
function pairAt(x: usize, r: i32, H: i32, h: i32): v128 {
  return f64x2.replace_lane(f64x2.splat(<f64>load<f32>(fp(x, r * H + h))), 1, <f64>load<f32>(fp(x, (r + 1) * H + h)));
}

/**
 * diff [B, O] (float64) = x·Wᵀ + b − y for x [B, H], W [O, H], b [O], y [B, O] (float32); returns
 * Σ diff². Each output is b[o] + Σ_h x·w in h order, then − y.
 */
export function denseMseForward(x: usize, w: usize, b: usize, y: usize, B: i32, H: i32, O: i32, diff: usize): f64 {
  let sse: f64 = 0;
  for (let o = 0; o < O; o++) {
    const bo = <f64>load<f32>(fp(b, o));
    const wo = fp(w, o * H);
    let r = 0;
    for (; r + 4 <= B; r += 4) {
      let s01 = f64x2.splat(bo), s23 = f64x2.splat(bo);
      for (let h = 0; h < H; h++) {
        const wv = f64x2.splat(<f64>load<f32>(fp(wo, h)));
        s01 = f64x2.add(s01, f64x2.mul(pairAt(x, r, H, h), wv));
        s23 = f64x2.add(s23, f64x2.mul(pairAt(x, r + 2, H, h), wv));
      }
      const d01 = f64x2.sub(s01, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(fp(y, r * O + o))), 1, <f64>load<f32>(fp(y, (r + 1) * O + o))));
      const d23 = f64x2.sub(s23, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(fp(y, (r + 2) * O + o))), 1, <f64>load<f32>(fp(y, (r + 3) * O + o))));
      const d0 = f64x2.extract_lane(d01, 0), d1 = f64x2.extract_lane(d01, 1);
      const d2 = f64x2.extract_lane(d23, 0), d3 = f64x2.extract_lane(d23, 1);
      store<f64>(f64At(diff, r * O + o), d0);
      store<f64>(f64At(diff, (r + 1) * O + o), d1);
      store<f64>(f64At(diff, (r + 2) * O + o), d2);
      store<f64>(f64At(diff, (r + 3) * O + o), d3);
    }
    for (; r < B; r++) {
      let s = bo;
      for (let h = 0; h < H; h++) s += <f64>load<f32>(fp(x, r * H + h)) * <f64>load<f32>(fp(wo, h));
      store<f64>(f64At(diff, r * O + o), s - <f64>load<f32>(fp(y, r * O + o)));
    }
  }
  // Σ diff² in row-major order, as one row at a time would add them.
  for (let i = 0; i < B * O; i++) {
    const d = load<f64>(f64At(diff, i));
    sse += d * d;
  }
  return sse;
}

/**
 * The gradients of scale·Σ diff² / 2: dx [B, H] += g·W (float32, rounded after each addition, as
 * dx is float32), dW [O, H] = Σ_r g·x and db [O] = Σ_r g (float64, in row order), dy [B, O] = −g
 * (the labels'), for g = diff·scale.
 */
export function denseMseBackward(diff: usize, x: usize, w: usize, B: i32, H: i32, O: i32, scale: f64, dx: usize, dw: usize, db: usize, dy: usize): void {
  memory.fill(dw, 0, <usize>(O * H) << 3);
  memory.fill(db, 0, <usize>O << 3);
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < O; o++) {
      const g = load<f64>(f64At(diff, r * O + o)) * scale;
      store<f32>(fp(dy, r * O + o), <f32>-g);
      store<f64>(f64At(db, o), load<f64>(f64At(db, o)) + g);
      for (let h = 0; h < H; h++) {
        const xi = fp(dx, r * H + h);
        store<f32>(xi, <f32>(<f64>load<f32>(xi) + g * <f64>load<f32>(fp(w, o * H + h))));
        const wi = f64At(dw, o * H + h);
        store<f64>(wi, load<f64>(wi) + g * <f64>load<f32>(fp(x, r * H + h)));
      }
    }
  }
}
