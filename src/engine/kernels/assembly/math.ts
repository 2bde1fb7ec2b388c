// Vectorised transcendental functions on f32x4 (WASM SIMD128).
// exp follows Cephes' expf (range reduction by ln2, degree-5 polynomial, 2^n by exponent bits),
// accurate to ~1-2 ulp over the clamped range. tanh uses Cephes' odd polynomial for |x| < 0.625,
// where 1 - 2/(e^2x + 1) would cancel, and the exp form elsewhere.

const LOG2E: f32 = 1.44269504088896341;
const C1: f32 = 0.693359375;
const C2: f32 = -2.12194440e-4;
const EXP_HI: f32 = 88.3762626647949;
const EXP_LO: f32 = -87.3365447504;

// 1.5·2^23: adding it rounds a float in (−2^22, 2^22) to an integer, which then sits in the low
// mantissa bits — round() and float→int in two adds, cheaper than floor + trunc_sat on x64.
const MAGIC: f32 = 12582912.0;

@inline
export function exp4(x0: v128): v128 {
  // pmin/pmax lower to single minps/maxps; min/max must order NaN and ±0 and cost ~8 instructions.
  let x = f32x4.pmin(f32x4.pmax(x0, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const fx = f32x4.sub(shifted, f32x4.splat(MAGIC)); // n = round(x·log2e), as float
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(C1)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(C2)));
  const z = f32x4.mul(x, x);
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), f32x4.splat(1.0));
  // 2^n: n sits in the low bits of `shifted`; (bits − bits(MAGIC) + 127) << 23 is 2^n's exponent field
  const n = i32x4.sub(shifted, f32x4.splat(MAGIC));
  const pow2n = i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

@inline
export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

@inline
export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  // small |x|: x + x^3 * P(x^2)
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  // large |x|: sign(x) * (1 - 2 / (exp(2|x|) + 1))
  const one = f32x4.splat(1.0);
  const e = exp4(f32x4.add(ax, ax));
  const t = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(e, one)));
  // copy x's sign bit onto t
  const signMask = i32x4.splat(0x80000000);
  const large = v128.or(v128.and(x, signMask), t);
  const isSmall = f32x4.lt(ax, f32x4.splat(0.625));
  return v128.bitselect(small, large, isSmall);
}

// Scalar versions for tails, computed with the same vector code so results don't depend on position.
@inline
export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

@inline
export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

/** In place: p[0..n) = sigmoid(p). */
export function sigmoidInPlace(p: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = p + (<usize>i << 2);
    v128.store(a, sigmoid4(v128.load(a)));
  }
  for (; i < n; i++) {
    const a = p + (<usize>i << 2);
    store<f32>(a, sigmoid1(load<f32>(a)));
  }
}

/** In place: p[0..n) = tanh(p). */
export function tanhInPlace(p: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = p + (<usize>i << 2);
    v128.store(a, tanh4(v128.load(a)));
  }
  for (; i < n; i++) {
    const a = p + (<usize>i << 2);
    store<f32>(a, tanh1(load<f32>(a)));
  }
}

/** dst[0..n) = tanh(src[0..n)); dst may equal src. */
export function tanhTo(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, tanh4(v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, tanh1(load<f32>(src + o)));
  }
}
