// Single-precision GEMM on WASM SIMD128, row-major.
//
//   C[M,N] (+)= A · B,  A(i,k) at a + 4*(i*sAi + k*sAk),  B[K,N] row-major with leading dim ldb.
//
// A is addressed through two strides so one kernel serves A·B (sAi=lda, sAk=1) and Aᵀ·B
// (sAi=1, sAk=lda) — the weight-gradient products — without materialising a transpose: A's
// elements are broadcast one at a time anyway. The micro-kernel holds a 4×8 block of C in eight
// f32x4 registers; edges fall back to 1-row and 1-column paths.

@inline
export function fp(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

export function gemm(
  c: usize, ldc: i32,
  a: usize, sAi: i32, sAk: i32,
  b: usize, ldb: i32,
  M: i32, K: i32, N: i32,
  accumulate: bool,
): void {
  const N8 = N & ~7;
  const N4 = N & ~3;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = fp(a, i * sAi);
    const a1 = fp(a, (i + 1) * sAi);
    const a2 = fp(a, (i + 2) * sAi);
    const a3 = fp(a, (i + 3) * sAi);
    const c0 = fp(c, i * ldc);
    const c1 = fp(c, (i + 1) * ldc);
    const c2 = fp(c, (i + 2) * ldc);
    const c3 = fp(c, (i + 3) * ldc);
    let j = 0;
    for (; j < N8; j += 8) {
      let x00 = f32x4.splat(0), x01 = f32x4.splat(0);
      let x10 = f32x4.splat(0), x11 = f32x4.splat(0);
      let x20 = f32x4.splat(0), x21 = f32x4.splat(0);
      let x30 = f32x4.splat(0), x31 = f32x4.splat(0);
      let bp = fp(b, j);
      const bstep = <usize>ldb << 2;
      const astep = <usize>sAk << 2;
      let ak: usize = 0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let s = v128.load32_splat(a0 + ak);
        x00 = f32x4.add(x00, f32x4.mul(s, b0));
        x01 = f32x4.add(x01, f32x4.mul(s, b1));
        s = v128.load32_splat(a1 + ak);
        x10 = f32x4.add(x10, f32x4.mul(s, b0));
        x11 = f32x4.add(x11, f32x4.mul(s, b1));
        s = v128.load32_splat(a2 + ak);
        x20 = f32x4.add(x20, f32x4.mul(s, b0));
        x21 = f32x4.add(x21, f32x4.mul(s, b1));
        s = v128.load32_splat(a3 + ak);
        x30 = f32x4.add(x30, f32x4.mul(s, b0));
        x31 = f32x4.add(x31, f32x4.mul(s, b1));
        bp += bstep;
        ak += astep;
      }
      const o0 = fp(c0, j), o1 = fp(c1, j), o2 = fp(c2, j), o3 = fp(c3, j);
      if (accumulate) {
        x00 = f32x4.add(x00, v128.load(o0)); x01 = f32x4.add(x01, v128.load(o0, 16));
        x10 = f32x4.add(x10, v128.load(o1)); x11 = f32x4.add(x11, v128.load(o1, 16));
        x20 = f32x4.add(x20, v128.load(o2)); x21 = f32x4.add(x21, v128.load(o2, 16));
        x30 = f32x4.add(x30, v128.load(o3)); x31 = f32x4.add(x31, v128.load(o3, 16));
      }
      v128.store(o0, x00); v128.store(o0, x01, 16);
      v128.store(o1, x10); v128.store(o1, x11, 16);
      v128.store(o2, x20); v128.store(o2, x21, 16);
      v128.store(o3, x30); v128.store(o3, x31, 16);
    }
    for (; j < N4; j += 4) {
      let x0 = f32x4.splat(0), x1 = f32x4.splat(0), x2 = f32x4.splat(0), x3 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const bv = v128.load(fp(b, k * ldb + j));
        const ak = <usize>(k * sAk) << 2;
        x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(a0 + ak), bv));
        x1 = f32x4.add(x1, f32x4.mul(v128.load32_splat(a1 + ak), bv));
        x2 = f32x4.add(x2, f32x4.mul(v128.load32_splat(a2 + ak), bv));
        x3 = f32x4.add(x3, f32x4.mul(v128.load32_splat(a3 + ak), bv));
      }
      const o0 = fp(c0, j), o1 = fp(c1, j), o2 = fp(c2, j), o3 = fp(c3, j);
      if (accumulate) {
        x0 = f32x4.add(x0, v128.load(o0)); x1 = f32x4.add(x1, v128.load(o1));
        x2 = f32x4.add(x2, v128.load(o2)); x3 = f32x4.add(x3, v128.load(o3));
      }
      v128.store(o0, x0); v128.store(o1, x1); v128.store(o2, x2); v128.store(o3, x3);
    }
    for (; j < N; j++) {
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      for (let k = 0; k < K; k++) {
        const bv = load<f32>(fp(b, k * ldb + j));
        const ak = <usize>(k * sAk) << 2;
        s0 += load<f32>(a0 + ak) * bv;
        s1 += load<f32>(a1 + ak) * bv;
        s2 += load<f32>(a2 + ak) * bv;
        s3 += load<f32>(a3 + ak) * bv;
      }
      if (accumulate) {
        s0 += load<f32>(fp(c0, j)); s1 += load<f32>(fp(c1, j));
        s2 += load<f32>(fp(c2, j)); s3 += load<f32>(fp(c3, j));
      }
      store<f32>(fp(c0, j), s0); store<f32>(fp(c1, j), s1);
      store<f32>(fp(c2, j), s2); store<f32>(fp(c3, j), s3);
    }
  }
  for (; i < M; i++) {
    const ai = fp(a, i * sAi);
    const ci = fp(c, i * ldc);
    let j = 0;
    for (; j < N4; j += 4) {
      let x0 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(ai + (<usize>(k * sAk) << 2)), v128.load(fp(b, k * ldb + j))));
      }
      const o = fp(ci, j);
      if (accumulate) x0 = f32x4.add(x0, v128.load(o));
      v128.store(o, x0);
    }
    for (; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += load<f32>(ai + (<usize>(k * sAk) << 2)) * load<f32>(fp(b, k * ldb + j));
      if (accumulate) s += load<f32>(fp(ci, j));
      store<f32>(fp(ci, j), s);
    }
  }
}

/** dst[cols, rows] = srcᵀ for src[rows, cols]. */
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(fp(dst, c * rows + r), load<f32>(fp(src, r * cols + c)));
    }
  }
}

/** out[j] (+)= Σ_i x[i, j] over rows×cols. */
export function colSum(out: usize, x: usize, rows: i32, cols: i32, accumulate: bool): void {
  const C4 = cols & ~3;
  let j = 0;
  for (; j < C4; j += 4) {
    let s = accumulate ? v128.load(fp(out, j)) : f32x4.splat(0);
    for (let i = 0; i < rows; i++) s = f32x4.add(s, v128.load(fp(x, i * cols + j)));
    v128.store(fp(out, j), s);
  }
  for (; j < cols; j++) {
    let s: f32 = accumulate ? load<f32>(fp(out, j)) : 0;
    for (let i = 0; i < rows; i++) s += load<f32>(fp(x, i * cols + j));
    store<f32>(fp(out, j), s);
  }
}

/** y[rows, cols] += bias[cols] broadcast over rows. */
export function addRowVector(y: usize, bias: usize, rows: i32, cols: i32): void {
  const C4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const yi = fp(y, i * cols);
    let j = 0;
    for (; j < C4; j += 4) v128.store(fp(yi, j), f32x4.add(v128.load(fp(yi, j)), v128.load(fp(bias, j))));
    for (; j < cols; j++) store<f32>(fp(yi, j), load<f32>(fp(yi, j)) + load<f32>(fp(bias, j)));
  }
}

/** dst[0..n) = src[0..n). */
export function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

/** dst[0..n) = 0. */
export function zero(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 2);
}
