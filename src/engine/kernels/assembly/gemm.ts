// Single-precision GEMM on WASM SIMD128, row-major.
//
//   C[M,N] (+)= A · B,  A(i,k) at a + 4*(i*sAi + k*sAk),  B[K,N] row-major with leading dim ldb.
//
// A is addressed through two strides so one kernel serves A·B (sAi=lda, sAk=1) and Aᵀ·B
// (sAi=1, sAk=lda) — the weight-gradient products — without materialising a transpose: A's
// elements are broadcast one at a time anyway. The micro-kernel holds a 4×8 block of C in eight
// f32x4 registers; edges fall back to 1-row and 1-column paths.
//
// scripts/build.mjs compiles this file twice: with SIMD128 alone, and with relaxed SIMD as well,
// where every multiply-add is one relaxed_madd (an FMA on x64 and arm64: half the instructions, one
// rounding). kernels/wasm.ts picks the relaxed build where the runtime validates and passes it.

/** acc + a·b: fused where the build has relaxed SIMD (ASC_FEATURE_RELAXED_SIMD is a compile-time constant). */
@inline
export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

@inline
export function fp(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/**
 * Columns of B per panel: a panel (K × 128 floats, 128 KB at K = 256) stays in L2 while every row
 * block uses it. Without it a wide B (the 5,431-word output projection: 5.5 MB) streams from
 * memory once per 4-row block.
 */
const PANEL: i32 = 128;
/** Depth per pass: with K = 5,431 (a gradient through the output projection) one panel would be 2.8 MB. */
const DEPTH: i32 = 256;
/**
 * Depth per pass of a product with a narrow B and a long inner side (a weight gradient xᵀ·dy over
 * every row: lab 11-4's 16 × 3,535 × 40): each row block reads the same depth × width of B, which
 * at this depth stays in L1 (10 KB there, against 40 KB at DEPTH); C is read and written once more
 * per pass. Measured on that product: 119–158 µs against 172–186. Chosen by K and B's leading
 * dimension, which a split into parts by rows or by columns leaves as they are, so every part
 * sums in the passes one thread would (kernels/parallel.ts: bit for bit).
 */
const SHALLOW_DEPTH: i32 = 64;
const SHALLOW_MAX_LDB: i32 = 64;
const SHALLOW_MIN_K: i32 = 1024;

export function gemm(
  c: usize, ldc: i32,
  a: usize, sAi: i32, sAk: i32,
  b: usize, ldb: i32,
  M: i32, K: i32, N: i32,
  accumulate: bool,
): void {
  const step = ldb <= SHALLOW_MAX_LDB && K >= SHALLOW_MIN_K ? SHALLOW_DEPTH : DEPTH;
  for (let k0 = 0; k0 < K; k0 += step) {
    const depth = K - k0 < step ? K - k0 : step;
    const acc = accumulate || k0 > 0; // later passes add to the partial sums
    const ak = fp(a, k0 * sAk);
    const bk = fp(b, k0 * ldb);
    for (let jp = 0; jp < N; jp += PANEL) {
      const width = N - jp < PANEL ? N - jp : PANEL;
      gemmPanel(fp(c, jp), ldc, ak, sAi, sAk, fp(bk, jp), ldb, M, depth, width, acc);
    }
  }
}

function gemmPanel(
  c: usize, ldc: i32,
  a: usize, sAi: i32, sAk: i32,
  b: usize, ldb: i32,
  M: i32, K: i32, N: i32,
  accumulate: bool,
): void {
  // Rows come in blocks of 4. In a last, partial block the missing rows repeat the last real row
  // (same arithmetic, results not stored): a 10-row product runs as three full-speed blocks
  // instead of two blocks and two slow single rows.
  for (let i = 0; i < M; i += 4) {
    const valid = M - i; // ≥ 1; rows i+valid.. are repeats
    const r1 = valid > 1 ? i + 1 : i, r2 = valid > 2 ? i + 2 : r1, r3 = valid > 3 ? i + 3 : r2;
    const a0 = fp(a, i * sAi), a1 = fp(a, r1 * sAi), a2 = fp(a, r2 * sAi), a3 = fp(a, r3 * sAi);
    const c0 = fp(c, i * ldc), c1 = fp(c, r1 * ldc), c2 = fp(c, r2 * ldc), c3 = fp(c, r3 * ldc);
    const astep = <usize>sAk << 2;
    const bstep = <usize>ldb << 2;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let x00 = f32x4.splat(0), x01 = f32x4.splat(0);
      let x10 = f32x4.splat(0), x11 = f32x4.splat(0);
      let x20 = f32x4.splat(0), x21 = f32x4.splat(0);
      let x30 = f32x4.splat(0), x31 = f32x4.splat(0);
      let bp = fp(b, j);
      let ak: usize = 0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let s = v128.load32_splat(a0 + ak);
        x00 = madd(x00, s, b0);
        x01 = madd(x01, s, b1);
        s = v128.load32_splat(a1 + ak);
        x10 = madd(x10, s, b0);
        x11 = madd(x11, s, b1);
        s = v128.load32_splat(a2 + ak);
        x20 = madd(x20, s, b0);
        x21 = madd(x21, s, b1);
        s = v128.load32_splat(a3 + ak);
        x30 = madd(x30, s, b0);
        x31 = madd(x31, s, b1);
        bp += bstep;
        ak += astep;
      }
      // Store the valid rows, last first: a repeated row aliases the last real one, which is then
      // written last with its own values.
      if (valid > 3) store8(fp(c3, j), x30, x31, accumulate);
      if (valid > 2) store8(fp(c2, j), x20, x21, accumulate);
      if (valid > 1) store8(fp(c1, j), x10, x11, accumulate);
      store8(fp(c0, j), x00, x01, accumulate);
    }
    // Remaining columns, 4 at a time; the last group may be partial (1–3 columns): it reads up to
    // 3 floats past the end of B's row (KernelModule.scratch leaves slack for that) and stores only
    // the real columns.
    for (; j < N; j += 4) {
      const width = N - j < 4 ? N - j : 4;
      let x0 = f32x4.splat(0), x1 = f32x4.splat(0), x2 = f32x4.splat(0), x3 = f32x4.splat(0);
      let bp = fp(b, j);
      let ak: usize = 0;
      for (let k = 0; k < K; k++) {
        const bv = v128.load(bp);
        x0 = madd(x0, v128.load32_splat(a0 + ak), bv);
        x1 = madd(x1, v128.load32_splat(a1 + ak), bv);
        x2 = madd(x2, v128.load32_splat(a2 + ak), bv);
        x3 = madd(x3, v128.load32_splat(a3 + ak), bv);
        bp += bstep;
        ak += astep;
      }
      if (valid > 3) storeN(fp(c3, j), x3, width, accumulate);
      if (valid > 2) storeN(fp(c2, j), x2, width, accumulate);
      if (valid > 1) storeN(fp(c1, j), x1, width, accumulate);
      storeN(fp(c0, j), x0, width, accumulate);
    }
  }
}

@inline
function store8(o: usize, lo: v128, hi: v128, accumulate: bool): void {
  if (accumulate) {
    lo = f32x4.add(lo, v128.load(o));
    hi = f32x4.add(hi, v128.load(o, 16));
  }
  v128.store(o, lo);
  v128.store(o, hi, 16);
}

/** Store the first `width` (1–4) lanes of v at o, adding what is there when accumulating. */
@inline
function storeN(o: usize, v: v128, width: i32, accumulate: bool): void {
  if (width == 4) {
    if (accumulate) v = f32x4.add(v, v128.load(o));
    v128.store(o, v);
    return;
  }
  let x0 = f32x4.extract_lane(v, 0), x1 = f32x4.extract_lane(v, 1), x2 = f32x4.extract_lane(v, 2);
  if (accumulate) {
    x0 += load<f32>(o);
    if (width > 1) x1 += load<f32>(o, 4);
    if (width > 2) x2 += load<f32>(o, 8);
  }
  store<f32>(o, x0);
  if (width > 1) store<f32>(o, x1, 4);
  if (width > 2) store<f32>(o, x2, 8);
}

/** Rows and columns of the tiles transpose works in: a 32×32 tile's 32 rows of each stay in L1. */
const TILE: i32 = 32;

/**
 * dst[cols, rows] = srcᵀ for src[rows, cols]. In 4×4 blocks (four vector loads, eight shuffles,
 * four vector stores) within 32×32 tiles, then the ragged edges one element at a time. Going one
 * element at a time down the whole of dst was 9% of a kor-eng epoch: the output projection's
 * [256, 5431] weight, transposed for every backward pass, wrote each element to another cache line.
 */
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  const R4 = rows & ~3, C4 = cols & ~3;
  for (let r0 = 0; r0 < R4; r0 += TILE) {
    const rEnd = r0 + TILE < R4 ? r0 + TILE : R4;
    for (let c0 = 0; c0 < C4; c0 += TILE) {
      const cEnd = c0 + TILE < C4 ? c0 + TILE : C4;
      for (let r = r0; r < rEnd; r += 4) {
        for (let c = c0; c < cEnd; c += 4) {
          const a0 = v128.load(fp(src, r * cols + c)), a1 = v128.load(fp(src, (r + 1) * cols + c));
          const a2 = v128.load(fp(src, (r + 2) * cols + c)), a3 = v128.load(fp(src, (r + 3) * cols + c));
          const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
          v128.store(fp(dst, c * rows + r), v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(fp(dst, (c + 1) * rows + r), v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
          v128.store(fp(dst, (c + 2) * rows + r), v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
          v128.store(fp(dst, (c + 3) * rows + r), v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        }
      }
    }
  }
  for (let r = 0; r < R4; r++) {
    for (let c = C4; c < cols; c++) store<f32>(fp(dst, c * rows + r), load<f32>(fp(src, r * cols + c)));
  }
  for (let r = R4; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(fp(dst, c * rows + r), load<f32>(fp(src, r * cols + c)));
  }
}

/**
 * out[j] (+)= Σ_i x[i, j] over rows×cols, each column summed in row order. Rows outer, so x is read
 * once front to back and the sums stay in L1: walking down one column group at a time read a
 * bias gradient's [6144, 128] (3 MB) 32 times over, 15% of an ETTh1-sized epoch.
 */
export function colSum(out: usize, x: usize, rows: i32, cols: i32, accumulate: bool): void {
  const C4 = cols & ~3;
  if (!accumulate) memory.fill(out, 0, <usize>cols << 2);
  for (let i = 0; i < rows; i++) {
    const xi = fp(x, i * cols);
    let j = 0;
    for (; j < C4; j += 4) v128.store(fp(out, j), f32x4.add(v128.load(fp(out, j)), v128.load(fp(xi, j))));
    for (; j < cols; j++) store<f32>(fp(out, j), load<f32>(fp(out, j)) + load<f32>(fp(xi, j)));
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

/** dst[0..n) = 0: one memory.fill, where the host's TypedArray.fill on shared memory is ~8× slower. */
export function zero(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 2);
}

/** dst[0..n) = src[0..n). */
export function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}
