// Vectorised transcendental functions on f32x4 (WASM SIMD128).
import { madd } from './gemm';

// exp follows Cephes' expf (range reduction by ln2, degree-5 polynomial, 2^n by exponent bits),
// accurate to ~1-2 ulp over the clamped range. tanh is Eigen's rational approximation (below).

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

// tanh as Eigen computes it for float (generic_fast_tanh_float): an odd degree-13 over even
// degree-6 rational approximation on [−7.905, 7.905], beyond which float tanh rounds to ±1.
// About 23 vector ops with one division, accurate to a few ulp, and relatively accurate near 0
// (unlike 1 − 2/(e^2x + 1), which cancels there). Horner's steps are multiply-adds: fused in the
// relaxed-SIMD build (ten fewer operations, each step rounded once), a multiply then an add in
// SIMD128, as they always were there.
@inline
export function tanh4(x0: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(x0, f32x4.splat(-7.90531110763549805)), f32x4.splat(7.90531110763549805));
  const x2 = f32x4.mul(x, x);
  let p = madd(f32x4.splat(2.00018790482477e-13), x2, f32x4.splat(-2.76076847742355e-16));
  p = madd(f32x4.splat(-8.60467152213735e-11), p, x2);
  p = madd(f32x4.splat(5.12229709037114e-08), p, x2);
  p = madd(f32x4.splat(1.48572235717979e-05), p, x2);
  p = madd(f32x4.splat(6.37261928875436e-04), p, x2);
  p = madd(f32x4.splat(4.89352455891786e-03), p, x2);
  p = f32x4.mul(p, x);
  let q = madd(f32x4.splat(1.18534705686654e-04), x2, f32x4.splat(1.19825839466702e-06));
  q = madd(f32x4.splat(2.26843463243900e-03), q, x2);
  q = madd(f32x4.splat(4.89352518554385e-03), q, x2);
  return f32x4.div(p, q);
}

/** σ(x) = ½ + ½·tanh(x/2). */
@inline
export function sigmoid4(x: v128): v128 {
  const half = f32x4.splat(0.5);
  return f32x4.add(half, f32x4.mul(half, tanh4(f32x4.mul(half, x))));
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
