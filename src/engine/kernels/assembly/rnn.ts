// Whole-sequence LSTM and GRU layers over PyTorch's packed layout, forward and backward.
//
// Packed layout: rows are time-major; step t holds batchSizes[t] rows, the sequences still running,
// sorted longest first, so the live batch at each step is a prefix of the previous one. Only valid
// steps are computed. Gate order and equations are PyTorch's:
//   LSTM  i,f,g,o:  c' = f⊙c + i⊙g,  h' = o⊙tanh(c')
//   GRU   r,z,n:    n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),  h' = (1−z)⊙n + z⊙h
// Weights come in PyTorch's layout (W_ih [G·H, I], W_hh [G·H, H]); the input projection for all
// steps is one GEMM, each step's recurrent product is one GEMM over the live rows, and the weight
// gradients are GEMMs over all rows at the end (the LSTM's, biases included, one).

import { fp, gemm, transpose, colSum, addRowVector, copy } from './gemm';
import { sigmoid4, tanh4, sigmoid1, tanh1, tanhTo } from './math';

/**
 * The host's GEMM (kernels/parallel.ts): same contract as gemm, but a large product is split
 * across every core's thread (or goes to the native GEMM). Used for the GRU's per-step recurrent
 * products ([64, 256]·[256, 768] in the batched seq2seq) and the LSTM's products over all rows;
 * the host runs small ones straight back here.
 */
@external("env", "pgemm")
declare function pgemm(c: usize, ldc: i32, a: usize, sAi: i32, sAk: i32, b: usize, ldb: i32, M: i32, K: i32, N: i32, accumulate: bool): void;

@inline
function bsAt(bs: usize, t: i32): i32 {
  return load<i32>(bs + (<usize>t << 2));
}

// ---------------------------------------------------------------------------------------------
// LSTM

/**
 * Forward, part 1: the input projection of every step. Lays out xh [N, I+1+H], row n = [x_n | 1 |
 * h_n], where h_n (the h row n starts from) is the time loop's to fill: the 1 folds the biases into
 * the product, and the weight gradients are one product over xh (see lstmBackSteps). gates [N,4H] =
 * [x | 1]·[W_ihᵀ; b_ih + b_hh], with the i, f, o columns halved (see lstmSteps); leaves W_hhᵀ
 * [H,4H], halved alike, at `whhT` for the time loop. scratch: (I + 1)·4H floats.
 */
export function lstmPrepare(
  N: i32, I: i32, H: i32,
  x: usize, xh: usize, wih: usize, whh: usize, bih: usize, bhh: usize,
  gates: usize, whhT: usize, scratch: usize,
): void {
  const G = 4 * H;
  const S = I + 1 + H;
  const wihT = scratch;            // [I + 1, 4H]: W_ihᵀ, then the biases' row
  const bsum = fp(wihT, I * G);    // [4H]  b_ih + b_hh
  transpose(wihT, wih, G, I);
  transpose(whhT, whh, G, H);
  for (let j = 0; j < G; j++) store<f32>(fp(bsum, j), load<f32>(fp(bih, j)) + load<f32>(fp(bhh, j)));
  // i, f, o pre-activations × ½, so one tanh pass serves all four gates
  for (let k = 0; k <= I; k++) scaleGatesIFO(fp(wihT, k * G), H);
  for (let k = 0; k < H; k++) scaleGatesIFO(fp(whhT, k * G), H);
  for (let n = 0; n < N; n++) {
    copyRow(fp(xh, n * S), fp(x, n * I), I);
    store<f32>(fp(xh, n * S + I), 1);
  }
  // gates = [x | 1] · [W_ihᵀ; b], all steps at once, on the host's GEMM: the bias is the last
  // term of each sum, so every gate is Σ x·w + b rounded as adding b after the product would.  [N, 4H]
  pgemm(gates, G, xh, S, 1, wihT, G, N, I + 1, G, false);
}

/** The live rows of sequences [b0, b0 + w) at a step whose batch size is bt. */
@inline
function partRows(bt: i32, b0: i32, w: i32): i32 {
  const n = bt - b0;
  return n <= 0 ? 0 : n < w ? n : w;
}

/**
 * Forward, part 2: the time loop over sequences [b0, b0 + w) of the batch (the host runs parts on
 * several threads; a row's arithmetic is the same in any part). Outputs: gates (activated
 * i,f,g,o), cs [N,H], tcs = tanh(cs) [N,H], xh's h columns (the h each row started from), hs [N,H],
 * hn/cn [B,H] at each sequence's last step.
 *
 * Activations run over each step's whole [bt, 4H] block in one vector pass rather than row by row
 * (with H = 10 a row's gate segments don't fill whole vectors): one tanh pass serves all four
 * gates, since σ(x) = ½ + ½·tanh(x/2) and the ½ inside is folded into the i, f, o weights and
 * biases up front (lstmPrepare). The per-row loop then maps t → ½ + ½t for i, f, o.
 */
export function lstmSteps(
  I: i32, H: i32, T: i32, bs: usize, whhT: usize, h0: usize, c0: usize,
  gates: usize, cs: usize, tcs: usize, xh: usize, hs: usize, hn: usize, cn: usize,
  b0: i32, w: i32,
): void {
  const G = 4 * H;
  const S = I + 1 + H;
  const hprev = fp(xh, I + 1); // row r's h at hprev + r·S
  const H4 = H & ~3;
  const half = f32x4.splat(0.5);
  let off = 0;
  let prevOff = 0;
  for (let t = 0; t < T; t++) {
    const bt = bsAt(bs, t);
    const n = partRows(bt, b0, w);
    const bEnd = b0 + n;
    if (n > 0) {
      const first = off + b0;
      // h each live row starts from, into xh: the initial state at t = 0, else the previous step's rows
      const from = t == 0 ? fp(h0, b0 * H) : fp(hs, (prevOff + b0) * H);
      for (let b = 0; b < n; b++) copyRow(fp(hprev, (first + b) * S), fp(from, b * H), H);
      gemm(fp(gates, first * G), G, fp(hprev, first * S), S, 1, whhT, G, n, H, G, true);
      tanhTo(fp(gates, first * G), fp(gates, first * G), n * G);
      for (let b = b0; b < bEnd; b++) {
        const r = off + b;
        const gr = fp(gates, r * G);
        const cp = t == 0 ? fp(c0, b * H) : fp(cs, (prevOff + b) * H);
        const cr = fp(cs, r * H);
        const gi = gr, gf = fp(gr, H), gg = fp(gr, 2 * H), go = fp(gr, 3 * H);
        let j = 0;
        for (; j < H4; j += 4) {
          const o = <usize>j << 2;
          const i = f32x4.add(half, f32x4.mul(half, v128.load(gi + o)));
          const f = f32x4.add(half, f32x4.mul(half, v128.load(gf + o)));
          v128.store(gi + o, i);
          v128.store(gf + o, f);
          v128.store(go + o, f32x4.add(half, f32x4.mul(half, v128.load(go + o))));
          v128.store(cr + o, f32x4.add(f32x4.mul(f, v128.load(cp + o)), f32x4.mul(i, v128.load(gg + o))));
        }
        for (; j < H; j++) {
          const o = <usize>j << 2;
          const i: f32 = 0.5 + 0.5 * load<f32>(gi + o);
          const f: f32 = 0.5 + 0.5 * load<f32>(gf + o);
          store<f32>(gi + o, i);
          store<f32>(gf + o, f);
          store<f32>(go + o, 0.5 + 0.5 * load<f32>(go + o));
          store<f32>(cr + o, f * load<f32>(cp + o) + i * load<f32>(gg + o));
        }
      }
      tanhTo(fp(tcs, first * H), fp(cs, first * H), n * H);
      for (let b = b0; b < bEnd; b++) {
        const r = off + b;
        const go = fp(gates, r * G + 3 * H), tr = fp(tcs, r * H), hr = fp(hs, r * H);
        let j = 0;
        for (; j < H4; j += 4) {
          const o = <usize>j << 2;
          v128.store(hr + o, f32x4.mul(v128.load(go + o), v128.load(tr + o)));
        }
        for (; j < H; j++) {
          const o = <usize>j << 2;
          store<f32>(hr + o, load<f32>(go + o) * load<f32>(tr + o));
        }
      }
      // sequences of this part whose last step is t: rows [max(batchSizes[t+1], b0), bEnd)
      const bNext = t + 1 < T ? bsAt(bs, t + 1) : 0;
      const lo = bNext > b0 ? bNext : b0;
      if (lo < bEnd) {
        copy(fp(hn, lo * H), fp(hs, (off + lo) * H), (bEnd - lo) * H);
        copy(fp(cn, lo * H), fp(cs, (off + lo) * H), (bEnd - lo) * H);
      }
    }
    prevOff = off;
    off += bt;
  }
}

/**
 * dst[0..n) = src[0..n) for a short row (n of I or H floats), in vector moves: memory.copy is a
 * call out of the module, which for a row of 10 floats costs more than the row.
 */
@inline
function copyRow(dst: usize, src: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(fp(dst, j), v128.load(fp(src, j)));
  for (; j < n; j++) store<f32>(fp(dst, j), load<f32>(fp(src, j)));
}

/** One row of gate columns [i | f | g | o], each H wide: halve i, f and o. */
@inline
function scaleGatesIFO(p: usize, H: i32): void {
  for (let j = 0; j < 2 * H; j++) store<f32>(fp(p, j), load<f32>(fp(p, j)) * 0.5);
  for (let j = 3 * H; j < 4 * H; j++) store<f32>(fp(p, j), load<f32>(fp(p, j)) * 0.5);
}

/**
 * Backward: the time loop over sequences [b0, b0 + w) (parts run on several threads, as in
 * lstmSteps). Inputs dhs [N,H] (gradient w.r.t. hs), dhn/dcn [B,H]. Outputs: dgates [N,4H]
 * (pre-activation gate gradients), dh0/dc0 [B,H]; dhState and dcState [B,H] are its working rows.
 * The weight gradients from dgates are the host's (lstmBackwardRun in kernels/rnnKernels.ts): one
 * product xhᵀ·dgates [I+1+H, 4H] over every row gives dW_ihᵀ, db (xh's column of ones) and dW_hhᵀ.
 */
export function lstmBackSteps(
  N: i32, H: i32, T: i32, bs: usize, whh: usize, c0: usize,
  gates: usize, cs: usize, tcs: usize,
  dhs: usize, dhn: usize, dcn: usize,
  dgates: usize, dhState: usize, dcState: usize, dh0: usize, dc0: usize,
  b0: i32, w: i32,
): void {
  const G = 4 * H;
  const H4 = H & ~3;
  const one = f32x4.splat(1);

  let off = N;
  for (let t = T - 1; t >= 0; t--) {
    const bt = bsAt(bs, t);
    off -= bt;
    const n = partRows(bt, b0, w);
    if (n == 0) continue;
    const bEnd = b0 + n;
    const prevOff = t > 0 ? off - bsAt(bs, t - 1) : 0;
    const bNext = t + 1 < T ? bsAt(bs, t + 1) : 0;
    // sequences ending at t start their gradient from dhn/dcn
    const lo = bNext > b0 ? bNext : b0;
    if (lo < bEnd) {
      copy(fp(dhState, lo * H), fp(dhn, lo * H), (bEnd - lo) * H);
      copy(fp(dcState, lo * H), fp(dcn, lo * H), (bEnd - lo) * H);
    }
    for (let b = b0; b < bEnd; b++) {
      const r = off + b;
      const gr = fp(gates, r * G), dg = fp(dgates, r * G);
      const gi = gr, gf = fp(gr, H), gg = fp(gr, 2 * H), go = fp(gr, 3 * H);
      const tr = fp(tcs, r * H), dhr = fp(dhs, r * H);
      const dhb = fp(dhState, b * H), dcb = fp(dcState, b * H);
      const cp = t == 0 ? fp(c0, b * H) : fp(cs, (prevOff + b) * H);
      let j = 0;
      for (; j < H4; j += 4) {
        const o = <usize>j << 2;
        const dh = f32x4.add(v128.load(dhb + o), v128.load(dhr + o));
        const vi = v128.load(gi + o), vf = v128.load(gf + o), vg = v128.load(gg + o), vo = v128.load(go + o);
        const tc = v128.load(tr + o);
        const dO = f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(vo, f32x4.sub(one, vo)));
        const dc = f32x4.add(v128.load(dcb + o), f32x4.mul(f32x4.mul(dh, vo), f32x4.sub(one, f32x4.mul(tc, tc))));
        const dI = f32x4.mul(f32x4.mul(dc, vg), f32x4.mul(vi, f32x4.sub(one, vi)));
        const dF = f32x4.mul(f32x4.mul(dc, v128.load(cp + o)), f32x4.mul(vf, f32x4.sub(one, vf)));
        const dG = f32x4.mul(f32x4.mul(dc, vi), f32x4.sub(one, f32x4.mul(vg, vg)));
        v128.store(dcb + o, f32x4.mul(dc, vf));
        v128.store(dg + o, dI);
        v128.store(fp(dg, H) + o, dF);
        v128.store(fp(dg, 2 * H) + o, dG);
        v128.store(fp(dg, 3 * H) + o, dO);
      }
      for (; j < H; j++) {
        const o = <usize>j << 2;
        const dh = load<f32>(dhb + o) + load<f32>(dhr + o);
        const vi = load<f32>(gi + o), vf = load<f32>(gf + o), vg = load<f32>(gg + o), vo = load<f32>(go + o);
        const tc = load<f32>(tr + o);
        const dO = dh * tc * vo * (1 - vo);
        const dc = load<f32>(dcb + o) + dh * vo * (1 - tc * tc);
        store<f32>(dcb + o, dc * vf);
        store<f32>(dg + o, dc * vg * vi * (1 - vi));
        store<f32>(fp(dg, H) + o, dc * load<f32>(cp + o) * vf * (1 - vf));
        store<f32>(fp(dg, 2 * H) + o, dc * vi * (1 - vg * vg));
        store<f32>(fp(dg, 3 * H) + o, dO);
      }
    }
    // dh for the previous step = dgates · W_hh                      // [n, H]
    gemm(fp(dhState, b0 * H), H, fp(dgates, (off + b0) * G), G, 1, whh, H, n, G, H, false);
  }
  const rows = partRows(bsAt(bs, 0), b0, w);
  copy(fp(dh0, b0 * H), fp(dhState, b0 * H), rows * H);
  copy(fp(dc0, b0 * H), fp(dcState, b0 * H), rows * H);
}

// ---------------------------------------------------------------------------------------------
// GRU

/**
 * Forward. Outputs: gates [N,3H] (activated r, z, n), ghn [N,H] (W_hn h + b_hn), hprev [N,H],
 * hs [N,H], hn [B,H]. scratch: (I + H)·3H + B·3H floats. With `projected`, gates already holds
 * x·W_ihᵀ (the caller ran that product, on every core when large).
 */
export function gruForward(
  N: i32, I: i32, H: i32, T: i32, bs: usize,
  x: usize, wih: usize, whh: usize, bih: usize, bhh: usize, h0: usize,
  gates: usize, ghn: usize, hprev: usize, hs: usize, hn: usize,
  scratch: usize, projected: bool,
): void {
  const G = 3 * H;
  const wihT = scratch;              // [I, 3H]
  const whhT = fp(wihT, I * G);      // [H, 3H]
  const gh = fp(whhT, H * G);        // [B, 3H] recurrent projection of the current step
  transpose(whhT, whh, G, H);
  if (!projected) {
    transpose(wihT, wih, G, I);
    gemm(gates, G, x, I, 1, wihT, G, N, I, G, false);      // x·W_ihᵀ, all steps   [N, 3H]
  }
  addRowVector(gates, bih, N, G);

  const H4 = H & ~3;
  let off = 0;
  let prevOff = 0;
  for (let t = 0; t < T; t++) {
    const bt = bsAt(bs, t);
    copy(fp(hprev, off * H), t == 0 ? h0 : fp(hs, prevOff * H), bt * H);
    pgemm(gh, G, fp(hprev, off * H), H, 1, whhT, G, bt, H, G, false);  // [bt, 3H]
    addRowVector(gh, bhh, bt, G);
    for (let b = 0; b < bt; b++) {
      const r = off + b;
      const gx = fp(gates, r * G), ghb = fp(gh, b * G);
      const hp = fp(hprev, r * H), hr = fp(hs, r * H), nr = fp(ghn, r * H);
      let j = 0;
      for (; j < H4; j += 4) {
        const o = <usize>j << 2;
        const vr = sigmoid4(f32x4.add(v128.load(gx + o), v128.load(ghb + o)));
        const vz = sigmoid4(f32x4.add(v128.load(fp(gx, H) + o), v128.load(fp(ghb, H) + o)));
        const hn_ = v128.load(fp(ghb, 2 * H) + o);
        const vn = tanh4(f32x4.add(v128.load(fp(gx, 2 * H) + o), f32x4.mul(vr, hn_)));
        const h = f32x4.add(vn, f32x4.mul(vz, f32x4.sub(v128.load(hp + o), vn)));
        v128.store(gx + o, vr);
        v128.store(fp(gx, H) + o, vz);
        v128.store(fp(gx, 2 * H) + o, vn);
        v128.store(nr + o, hn_);
        v128.store(hr + o, h);
      }
      for (; j < H; j++) {
        const o = <usize>j << 2;
        const vr = sigmoid1(load<f32>(gx + o) + load<f32>(ghb + o));
        const vz = sigmoid1(load<f32>(fp(gx, H) + o) + load<f32>(fp(ghb, H) + o));
        const hn_ = load<f32>(fp(ghb, 2 * H) + o);
        const vn = tanh1(load<f32>(fp(gx, 2 * H) + o) + vr * hn_);
        store<f32>(gx + o, vr);
        store<f32>(fp(gx, H) + o, vz);
        store<f32>(fp(gx, 2 * H) + o, vn);
        store<f32>(nr + o, hn_);
        store<f32>(hr + o, vn + vz * (load<f32>(hp + o) - vn));
      }
    }
    const bNext = t + 1 < T ? bsAt(bs, t + 1) : 0;
    if (bNext < bt) copy(fp(hn, bNext * H), fp(hs, (off + bNext) * H), (bt - bNext) * H);
    prevOff = off;
    off += bt;
  }
}

/**
 * Backward. Outputs dx [N,I] (skipped when 0), dwih [3H,I], dwhh [3H,H], dbih [3H], dbhh [3H],
 * dh0 [B,H]. scratch: 2·N·3H + B·H + max(I,H)·3H floats, laid out as dgx [N,3H], dgh [N,3H],
 * dhState, tmp. Without `weightGrads` it stops after the time loop, leaving dgx and dgh in scratch
 * for the caller's products (dW, db, dx).
 */
export function gruBackward(
  N: i32, I: i32, H: i32, T: i32, bs: usize,
  x: usize, wih: usize, whh: usize,
  gates: usize, ghn: usize, hprev: usize,
  dhs: usize, dhn: usize,
  dx: usize, dwih: usize, dwhh: usize, dbih: usize, dbhh: usize, dh0: usize,
  scratch: usize, weightGrads: bool,
): void {
  const G = 3 * H;
  const B = bsAt(bs, 0);
  const dgx = scratch;                 // [N, 3H] gradient w.r.t. x·W_ihᵀ + b_ih
  const dgh = fp(dgx, N * G);          // [N, 3H] gradient w.r.t. h·W_hhᵀ + b_hh
  const dhState = fp(dgh, N * G);      // [B, H]
  const tmpT = fp(dhState, B * H);     // [max(I,H), 3H]
  const H4 = H & ~3;
  const one = f32x4.splat(1);

  let off = N;
  for (let t = T - 1; t >= 0; t--) {
    const bt = bsAt(bs, t);
    off -= bt;
    const bNext = t + 1 < T ? bsAt(bs, t + 1) : 0;
    if (bNext < bt) copy(fp(dhState, bNext * H), fp(dhn, bNext * H), (bt - bNext) * H);
    for (let b = 0; b < bt; b++) {
      const r = off + b;
      const g = fp(gates, r * G), ax = fp(dgx, r * G), ah = fp(dgh, r * G);
      const hp = fp(hprev, r * H), nr = fp(ghn, r * H), dhr = fp(dhs, r * H);
      const dhb = fp(dhState, b * H);
      let j = 0;
      for (; j < H4; j += 4) {
        const o = <usize>j << 2;
        const dh = f32x4.add(v128.load(dhb + o), v128.load(dhr + o));
        const vr = v128.load(g + o), vz = v128.load(fp(g, H) + o), vn = v128.load(fp(g, 2 * H) + o);
        const dnPre = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, vz)), f32x4.sub(one, f32x4.mul(vn, vn)));
        const dzPre = f32x4.mul(f32x4.mul(dh, f32x4.sub(v128.load(hp + o), vn)), f32x4.mul(vz, f32x4.sub(one, vz)));
        const drPre = f32x4.mul(f32x4.mul(dnPre, v128.load(nr + o)), f32x4.mul(vr, f32x4.sub(one, vr)));
        v128.store(ax + o, drPre);
        v128.store(fp(ax, H) + o, dzPre);
        v128.store(fp(ax, 2 * H) + o, dnPre);
        v128.store(ah + o, drPre);
        v128.store(fp(ah, H) + o, dzPre);
        v128.store(fp(ah, 2 * H) + o, f32x4.mul(dnPre, vr));
        v128.store(dhb + o, f32x4.mul(dh, vz)); // direct path h' = … + z⊙h
      }
      for (; j < H; j++) {
        const o = <usize>j << 2;
        const dh = load<f32>(dhb + o) + load<f32>(dhr + o);
        const vr = load<f32>(g + o), vz = load<f32>(fp(g, H) + o), vn = load<f32>(fp(g, 2 * H) + o);
        const dnPre = dh * (1 - vz) * (1 - vn * vn);
        const dzPre = dh * (load<f32>(hp + o) - vn) * vz * (1 - vz);
        const drPre = dnPre * load<f32>(nr + o) * vr * (1 - vr);
        store<f32>(ax + o, drPre);
        store<f32>(fp(ax, H) + o, dzPre);
        store<f32>(fp(ax, 2 * H) + o, dnPre);
        store<f32>(ah + o, drPre);
        store<f32>(fp(ah, H) + o, dzPre);
        store<f32>(fp(ah, 2 * H) + o, dnPre * vr);
        store<f32>(dhb + o, dh * vz);
      }
    }
    // dh_prev += dgh · W_hh                                           // [bt, H]
    pgemm(dhState, H, fp(dgh, off * G), G, 1, whh, H, bt, G, H, true);
  }
  copy(dh0, dhState, B * H);
  if (!weightGrads) return;

  gemm(tmpT, G, x, 1, I, dgx, G, I, N, G, false);       // [I, 3H]
  transpose(dwih, tmpT, I, G);
  gemm(tmpT, G, hprev, 1, H, dgh, G, H, N, G, false);   // [H, 3H]
  transpose(dwhh, tmpT, H, G);
  colSum(dbih, dgx, N, G, false);
  colSum(dbhh, dgh, N, G, false);
  if (dx != 0) gemm(dx, I, dgx, G, 1, wih, I, N, G, I, false);
}
