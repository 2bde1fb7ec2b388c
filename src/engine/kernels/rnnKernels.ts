/**
 * The fused LSTM and GRU layers: forward and backward registered with tfjs as kernels, and joined
 * into a differentiable op with tf.customGrad, so they take part in tfjs autodiff like any op
 * (`tf.grads`, `tf.variableGrads` and tidy all work).
 *
 * One kernel call runs a whole packed sequence through one layer in the SIMD module. What the
 * backward pass needs (the input, the weights, gate activations, cell states) stays in the kernel
 * module's memory, in a "stash" the forward fills and the backward consumes: moving ~1 MB of
 * activations out to tfjs and back in every step cost as much as computing them. A forward that no
 * gradient tape records (inference) keeps nothing. The op has one output: the layer's outputs and
 * final states stacked by rows, [hs; hn; cn], or just hn for many-to-one models.
 *
 * Registered for every backend (inputs read through tensorIO.peek, outputs made with emit), so the
 * same numbers come out on wasm, cpu and tensorflow.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernels } from './wasm';
import { emit, peek } from './tensorIO';
import { gemmPool } from './parallel';

const BACKENDS = ['wasm', 'cpu', 'tensorflow'];

export const LSTM_KERNEL = 'RnnLabLSTM';
export const LSTM_GRAD_KERNEL = 'RnnLabLSTMGrad';
export const GRU_KERNEL = 'RnnLabGRU';
export const GRU_GRAD_KERNEL = 'RnnLabGRUGrad';

interface RnnAttrs {
  batchSizes: number[];
  /** False when x needs no gradient (raw data into layer 0): the backward kernel skips dx = dgates·W_ih. */
  inputGrad: boolean;
  /** True: the op's output is just hn [B, H] (Keras return_sequences=False), no [hs; hn; cn] to slice. */
  finalOnly: boolean;
  /** Stash id holding what backward needs (0: none, the forward is not recorded). */
  stash: number;
  /** Input size (the backward kernel has no x tensor to read it from). */
  inputSize: number;
  hiddenSize: number;
}

function attrsOf(attrs: NamedAttrMap | undefined): RnnAttrs {
  return attrs as unknown as RnnAttrs;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap };

/** Kernel inputs by name; every kernel here requires all of its inputs. */
function need(inputs: tf.NamedTensorInfoMap): Record<string, TensorInfo> {
  return inputs as Record<string, TensorInfo>;
}

/** Copy a tensor into kernel memory at `ptr` (n floats). */
function copyIn(backend: KernelBackend, t: TensorInfo, ptr: number, n: number): void {
  kernels().f32(ptr, n).set(peek(backend, t));
}

function output(backend: KernelBackend, shape: number[], ptr: number): TensorInfo {
  const n = shape.reduce((a, b) => a * b, 1);
  return emit(backend, shape, kernels().f32(ptr, n));
}

/** `n` zeroed floats of scratch (valid until the next beginScratch). */
export function zeros(n: number): number {
  return kernels().zeros(n);
}

function sum(a: number[]): number {
  let n = 0;
  for (const v of a) n += v;
  return n;
}

/** Float offsets of the parts of a stash, laid out back to back. */
function parts(sizes: Record<string, number>): Record<string, number> & { total: number } {
  const out: Record<string, number> = {};
  let o = 0;
  for (const [k, n] of Object.entries(sizes)) {
    out[k] = o;
    o += (n + 3) & ~3; // keep every part 16-byte aligned
  }
  return Object.assign(out, { total: o });
}

function lstmStashLayout(N: number, I: number, H: number, B: number) {
  const G = 4 * H;
  return parts({ xh: N * (I + 1 + H), wih: G * I, whh: G * H, c0: B * H, gates: N * G, cs: N * H, tcs: N * H });
}

function gruStashLayout(N: number, I: number, H: number) {
  const G = 3 * H;
  return parts({ x: N * I, wih: G * I, whh: G * H, gates: N * G, ghn: N * H, hprev: N * H });
}

// ---------------------------------------------------------------------------------------------
// LSTM

/** Where an LSTM layer's forward pass reads and writes in kernel memory (byte pointers). */
export interface LstmForwardBuffers {
  /** [N, I]: the input, read by the forward pass only (it lays it out into xh). */
  x: number;
  wih: number;
  whh: number;
  bih: number;
  bhh: number;
  h0: number;
  c0: number;
  /**
   * [N, I+1+H], row n = [x_n | 1 | the h row n starts from] (assembly lstmPrepare), and [N, 4H],
   * [N, H], [N, H]: kept for the backward pass.
   */
  xh: number;
  gates: number;
  cs: number;
  tcs: number;
  /** Outputs: [N, H] per step, [B, H] and [B, H] at each sequence's end. */
  hs: number;
  hn: number;
  cn: number;
}

/** Where an LSTM layer's backward pass reads its output gradients and writes the others (dx 0: not wanted; db is both biases'). */
export interface LstmBackwardBuffers {
  dhs: number;
  dhn: number;
  dcn: number;
  dx: number;
  dwih: number;
  dwhh: number;
  db: number;
  dh0: number;
  dc0: number;
}

/**
 * An LSTM layer's forward pass on kernel memory, inside the caller's scratch: the tfjs kernel
 * below and the direct training step (models/forecasterStep.ts) both run it.
 */
export function lstmForwardRun(N: number, I: number, H: number, batchSizes: ArrayLike<number>, b: LstmForwardBuffers): void {
  const G = 4 * H;
  const km = kernels();
  const bs = km.put(batchSizes, true);
  const whhT = km.scratch(H * G), scratch = km.scratch((I + 1) * G);
  km.k.lstmPrepare(N, I, H, b.x, b.xh, b.wih, b.whh, b.bih, b.bhh, b.gates, whhT, scratch);
  // The time loop, its sequences cut across the pool's threads when large.
  gemmPool().lstmLoop(false, [I, H, batchSizes.length, bs, whhT, b.h0, b.c0, b.gates, b.cs, b.tcs, b.xh, b.hs, b.hn, b.cn], batchSizes[0], N * H * G);
}

/** An LSTM layer's backward pass on kernel memory, from what its forward pass left in `f`; inside the caller's scratch. */
export function lstmBackwardRun(N: number, I: number, H: number, batchSizes: ArrayLike<number>, f: Omit<LstmForwardBuffers, 'x' | 'bih' | 'bhh' | 'h0' | 'hs' | 'hn' | 'cn'>, g: LstmBackwardBuffers): void {
  const G = 4 * H;
  const S = I + 1 + H;
  const B = batchSizes[0];
  const km = kernels();
  const bs = km.put(batchSizes, true);
  const dgates = km.scratch(N * G), dhState = km.scratch(B * H), dcState = km.scratch(B * H);
  const dwT = km.scratch(S * G);
  const pool = gemmPool();
  pool.lstmLoop(true, [N, H, batchSizes.length, bs, f.whh, f.c0, f.gates, f.cs, f.tcs, g.dhs, g.dhn, g.dcn, dgates, dhState, dcState, g.dh0, g.dc0], B, N * H * G);
  // Every weight gradient over every row in one product, xhᵀ · dgates [I+1+H, 4H]: its rows are
  // dW_ihᵀ, db (the sum of dgates' rows, from xh's column of ones) and dW_hhᵀ. One product of
  // I+1+H rows keeps the 4-row micro-kernel's blocks full where two of I and H rows, and a
  // column sum, each left part of one idle (lab 11-4: 16 rows, against 8 and 12 for 5 and 10).
  pool.gemm(dwT, G, f.xh, 1, S, dgates, G, S, N, G, false);
  km.k.transpose(g.dwih, dwT, I, G);
  km.k.copy(g.db, dwT + I * G * 4, G);
  km.k.transpose(g.dwhh, dwT + (I + 1) * G * 4, H, G);
  if (g.dx !== 0) pool.gemm(g.dx, I, dgates, G, 1, f.wih, I, N, G, I, false); // [N, I]
}

/** Output: [hs; hn; cn] [N+2B, H], or hn [B, H] when finalOnly. Fills the stash when one is given. */
function lstmForwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { batchSizes, finalOnly, stash } = attrsOf(attrs);
  const { x, wih, whh, bih, bhh, h0, c0 } = need(inputs);
  const [N, I] = x.shape;
  const H = whh.shape[1];
  const B = batchSizes[0];
  const G = 4 * H;
  const km = kernels();
  const L = lstmStashLayout(N, I, H, B);
  km.beginScratch();
  const base = stash ? km.stashPtr(stash) : km.scratch(L.total);
  const at = (part: number) => base + part * 4;
  const px = km.put(peek(backend, x));
  copyIn(backend, wih, at(L.wih), G * I);
  copyIn(backend, whh, at(L.whh), G * H);
  copyIn(backend, c0, at(L.c0), B * H);
  const pbih = km.put(peek(backend, bih)), pbhh = km.put(peek(backend, bhh)), ph0 = km.put(peek(backend, h0));
  const out = km.scratch((N + 2 * B) * H); // hs, hn, cn back to back
  const hs = out, hn = out + N * H * 4, cn = hn + B * H * 4;
  lstmForwardRun(N, I, H, batchSizes, { x: px, xh: at(L.xh), wih: at(L.wih), whh: at(L.whh), bih: pbih, bhh: pbhh, h0: ph0, c0: at(L.c0), gates: at(L.gates), cs: at(L.cs), tcs: at(L.tcs), hs, hn, cn });
  return [finalOnly ? output(backend, [B, H], hn) : output(backend, [N + 2 * B, H], out)];
}

/** Input: dout (shaped like the forward's output). Outputs: dx, dwih, dwhh, db, dh0, dc0. */
function lstmBackwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { batchSizes, inputGrad, finalOnly, stash, inputSize: I, hiddenSize: H } = attrsOf(attrs);
  const { dout } = need(inputs);
  const B = batchSizes[0];
  const N = sum(batchSizes);
  const G = 4 * H;
  const km = kernels();
  const L = lstmStashLayout(N, I, H, B);
  km.beginScratch();
  const base = km.stashPtr(stash);
  const at = (part: number) => base + part * 4;
  let pdhs: number, pdhn: number, pdcn: number;
  if (finalOnly) {
    pdhn = km.put(peek(backend, dout));
    pdhs = zeros(N * H); // the per-step outputs were not used
    pdcn = zeros(B * H);
  } else {
    const pdout = km.put(peek(backend, dout));
    pdhs = pdout;
    pdhn = pdout + N * H * 4;
    pdcn = pdhn + B * H * 4;
  }
  const dx = inputGrad ? km.scratch(N * I) : zeros(N * I);
  const dwih = km.scratch(G * I), dwhh = km.scratch(G * H), db = km.scratch(G);
  const dh0 = km.scratch(B * H), dc0 = km.scratch(B * H);
  // The backward pass reads no input (xh has it), biases, h0 or outputs.
  const f = { xh: at(L.xh), wih: at(L.wih), whh: at(L.whh), c0: at(L.c0), gates: at(L.gates), cs: at(L.cs), tcs: at(L.tcs) };
  lstmBackwardRun(N, I, H, batchSizes, f, { dhs: pdhs, dhn: pdhn, dcn: pdcn, dx: inputGrad ? dx : 0, dwih, dwhh, db, dh0, dc0 });
  return [
    output(backend, [N, I], dx),
    output(backend, [G, I], dwih),
    output(backend, [G, H], dwhh),
    output(backend, [G], db),
    output(backend, [B, H], dh0),
    output(backend, [B, H], dc0),
  ];
}

// ---------------------------------------------------------------------------------------------
// GRU

/** Where a GRU layer's forward pass reads and writes in kernel memory (byte pointers). */
export interface GruForwardBuffers {
  x: number;
  wih: number;
  whh: number;
  bih: number;
  bhh: number;
  h0: number;
  /** [N, 3H], [N, H], [N, H]: kept for the backward pass. */
  gates: number;
  ghn: number;
  hprev: number;
  /** Outputs: [N, H] per step, [B, H] at each sequence's end. */
  hs: number;
  hn: number;
}

/** A GRU layer's four weights in kernel memory (byte pointers). */
export interface GruWeights {
  wih: number;
  whh: number;
  bih: number;
  bhh: number;
}

/**
 * A forward pass's buffers over N rows: the given input, weights and states, and fresh scratch
 * for the gates and per-row outputs (inside the caller's scratch). Every caller of gruForwardRun
 * builds its buffers through gruForward, so V8 sees one object shape there: the greedy decoder's
 * own shape once cost the training step its optimised code at the first report (the deopt
 * reached directStep and what it inlines).
 */
export function gruForwardScratch(x: number, w: GruWeights, h0: number, hn: number, N: number, H: number): GruForwardBuffers {
  const km = kernels();
  return gruForward(x, w, h0, km.scratch(N * 3 * H), km.scratch(N * H), km.scratch(N * H), km.scratch(N * H), hn);
}

/** The forward buffers as one object shape (see gruForwardScratch). */
export function gruForward(x: number, w: GruWeights, h0: number, gates: number, ghn: number, hprev: number, hs: number, hn: number): GruForwardBuffers {
  return { x, wih: w.wih, whh: w.whh, bih: w.bih, bhh: w.bhh, h0, gates, ghn, hprev, hs, hn };
}

/** Where a GRU layer's backward pass reads its output gradients and writes the others (dx 0: not wanted). */
export interface GruBackwardBuffers {
  dhs: number;
  dhn: number;
  dx: number;
  dwih: number;
  dwhh: number;
  dbih: number;
  dbhh: number;
  dh0: number;
}

/**
 * A GRU layer's forward pass on kernel memory, inside the caller's scratch: the tfjs kernel below
 * and the direct training step (models/seq2seqStep.ts) both run it.
 */
export function gruForwardRun(N: number, I: number, H: number, batchSizes: ArrayLike<number>, b: GruForwardBuffers): void {
  const G = 3 * H;
  const B = batchSizes[0];
  const km = kernels();
  const bs = km.put(batchSizes, true);
  const scratch = km.scratch((I + H) * G + B * G);
  // The input projection of every step, x·W_ihᵀ, runs here on the GEMM pool (every core when
  // large); the kernel then adds the biases and runs the time loop.
  const wihT = km.scratch(I * G);
  km.k.transpose(wihT, b.wih, G, I);
  gemmPool().gemm(b.gates, G, b.x, I, 1, wihT, G, N, I, G, false);
  km.k.gruForward(N, I, H, batchSizes.length, bs, b.x, b.wih, b.whh, b.bih, b.bhh, b.h0, b.gates, b.ghn, b.hprev, b.hs, b.hn, scratch, true);
}

/** A GRU layer's backward pass on kernel memory, from what its forward pass left in `f`; inside the caller's scratch. */
export function gruBackwardRun(N: number, I: number, H: number, batchSizes: ArrayLike<number>, f: GruForwardBuffers, g: GruBackwardBuffers): void {
  const G = 3 * H;
  const B = batchSizes[0];
  const km = kernels();
  const bs = km.put(batchSizes, true);
  const scratch = km.scratch(2 * N * G + B * H + Math.max(I, H) * G);
  const dwihT = km.scratch(I * G), dwhhT = km.scratch(H * G);
  km.k.gruBackward(N, I, H, batchSizes.length, bs, f.x, f.wih, f.whh, f.gates, f.ghn, f.hprev, g.dhs, g.dhn, g.dx, g.dwih, g.dwhh, g.dbih, g.dbhh, g.dh0, scratch, false);
  // The products over all rows, both at once on the GEMM pool: dWᵀ = inputᵀ·dgates, then back to [3H, ·].
  const dgx = scratch, dgh = scratch + N * G * 4;
  const pool = gemmPool();
  pool.gemms([
    { c: dwihT, ldc: G, a: f.x, sAi: 1, sAk: I, b: dgx, ldb: G, M: I, K: N, N: G, accumulate: false }, // [I, 3H]
    { c: dwhhT, ldc: G, a: f.hprev, sAi: 1, sAk: H, b: dgh, ldb: G, M: H, K: N, N: G, accumulate: false }, // [H, 3H]
  ]);
  km.k.transpose(g.dwih, dwihT, I, G);
  km.k.transpose(g.dwhh, dwhhT, H, G);
  km.k.colSum(g.dbih, dgx, N, G, false);
  km.k.colSum(g.dbhh, dgh, N, G, false);
  if (g.dx) pool.gemm(g.dx, I, dgx, G, 1, f.wih, I, N, G, I, false); // [N, I]
}

/** The GRU stash's parts as forward buffers, at `base`; the rest of the buffers are the caller's. */
function gruStashBuffers(N: number, I: number, H: number, base: number): Pick<GruForwardBuffers, 'x' | 'wih' | 'whh' | 'gates' | 'ghn' | 'hprev'> {
  const L = gruStashLayout(N, I, H);
  const at = (part: number) => base + part * 4;
  return { x: at(L.x), wih: at(L.wih), whh: at(L.whh), gates: at(L.gates), ghn: at(L.ghn), hprev: at(L.hprev) };
}

/** Output: [hs; hn] [N+B, H], or hn [B, H] when finalOnly. Fills the stash when one is given. */
function gruForwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { batchSizes, finalOnly, stash } = attrsOf(attrs);
  const { x, wih, whh, bih, bhh, h0 } = need(inputs);
  const [N, I] = x.shape;
  const H = whh.shape[1];
  const B = batchSizes[0];
  const G = 3 * H;
  const km = kernels();
  km.beginScratch();
  const s = gruStashBuffers(N, I, H, stash ? km.stashPtr(stash) : km.scratch(gruStashLayout(N, I, H).total));
  copyIn(backend, x, s.x, N * I);
  copyIn(backend, wih, s.wih, G * I);
  copyIn(backend, whh, s.whh, G * H);
  const pbih = km.put(peek(backend, bih)), pbhh = km.put(peek(backend, bhh)), ph0 = km.put(peek(backend, h0));
  const out = km.scratch((N + B) * H);
  const hn = out + N * H * 4;
  gruForwardRun(N, I, H, batchSizes, gruForward(s.x, { wih: s.wih, whh: s.whh, bih: pbih, bhh: pbhh }, ph0, s.gates, s.ghn, s.hprev, out, hn));
  return [finalOnly ? output(backend, [B, H], hn) : output(backend, [N + B, H], out)];
}

/** Input: dout. Outputs: dx, dwih, dwhh, dbih, dbhh, dh0. */
function gruBackwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { batchSizes, inputGrad, finalOnly, stash, inputSize: I, hiddenSize: H } = attrsOf(attrs);
  const { dout } = need(inputs);
  const B = batchSizes[0];
  const N = sum(batchSizes);
  const G = 3 * H;
  const km = kernels();
  km.beginScratch();
  const s = gruStashBuffers(N, I, H, km.stashPtr(stash));
  let pdhs: number, pdhn: number;
  if (finalOnly) {
    pdhn = km.put(peek(backend, dout));
    pdhs = zeros(N * H);
  } else {
    const pdout = km.put(peek(backend, dout));
    pdhs = pdout;
    pdhn = pdout + N * H * 4;
  }
  const dx = inputGrad ? km.scratch(N * I) : zeros(N * I);
  const dwih = km.scratch(G * I), dwhh = km.scratch(G * H);
  const dbih = km.scratch(G), dbhh = km.scratch(G), dh0 = km.scratch(B * H);
  // The kernel reads no biases, h0 or outputs in its backward pass.
  gruBackwardRun(N, I, H, batchSizes, { ...s, bih: 0, bhh: 0, h0: 0, hs: 0, hn: 0 }, { dhs: pdhs, dhn: pdhn, dx: inputGrad ? dx : 0, dwih, dwhh, dbih, dbhh, dh0 });
  return [
    output(backend, [N, I], dx),
    output(backend, [G, I], dwih),
    output(backend, [G, H], dwhh),
    output(backend, [G], dbih),
    output(backend, [G], dbhh),
    output(backend, [B, H], dh0),
  ];
}

// ---------------------------------------------------------------------------------------------
// Registration

let registered = false;

/** Register the forward and backward kernels with tfjs (idempotent). */
export function registerRnnKernels(): void {
  if (registered) return;
  registered = true;
  const table: [string, (a: KernelArgs) => TensorInfo[]][] = [
    [LSTM_KERNEL, lstmForwardKernel],
    [LSTM_GRAD_KERNEL, lstmBackwardKernel],
    [GRU_KERNEL, gruForwardKernel],
    [GRU_GRAD_KERNEL, gruBackwardKernel],
  ];
  for (const backendName of BACKENDS) {
    for (const [kernelName, fn] of table) {
      tf.registerKernel({ kernelName, backendName, kernelFunc: fn as unknown as tf.KernelFunc });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Ops

export interface RnnLayerWeights {
  /** [G·H, I], PyTorch's weight_ih_l{k} (G = 4 for LSTM, 3 for GRU). */
  wih: tf.Tensor;
  /** [G·H, H] */
  whh: tf.Tensor;
  /** [G·H] */
  bih: tf.Tensor;
  /** [G·H] */
  bhh: tf.Tensor;
}

export interface LayerOptions {
  /** False when x is data that needs no gradient: backward skips dx (its gradient reads as 0). */
  inputGrad?: boolean;
  /**
   * False (Keras's return_sequences=False): return only hn, as the op's single output. A
   * many-to-one model then pays for no slicing of per-step outputs, nor for their gradients.
   */
  returnSequences?: boolean;
}

export interface LayerResult {
  /** [N, H] per-step outputs, packed like x; absent when returnSequences is false. */
  hs?: tf.Tensor;
  /** [B, H] at each sequence's last step, sorted (packed) order. */
  hn: tf.Tensor;
}

/** True when a gradient tape is recording ops issued here (so a backward pass may follow). */
function recording(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/**
 * One LSTM layer over packed rows.
 * x [N, I] time-major packed; h0, c0 [B, H] in sorted (packed) order; batchSizes per step.
 * Returns hs [N, H] (packed like x) and hn, cn [B, H] at each sequence's last step (sorted order);
 * only hn with returnSequences false.
 */
export function lstmLayer(x: tf.Tensor, batchSizes: ArrayLike<number>, w: RnnLayerWeights, h0: tf.Tensor, c0: tf.Tensor, opts: LayerOptions = {}): LayerResult & { cn?: tf.Tensor } {
  registerRnnKernels();
  const [N, I] = x.shape as [number, number];
  const H = w.whh.shape[1] as number;
  const B = h0.shape[0] as number;
  const finalOnly = opts.returnSequences === false;
  // The stash must be taken before the kernel starts using scratch memory.
  const stash = recording() ? kernels().stash(lstmStashLayout(N, I, H, B).total).id : 0;
  const attrs = { batchSizes: Array.from(batchSizes), inputGrad: opts.inputGrad !== false, finalOnly, stash, inputSize: I, hiddenSize: H } as unknown as NamedAttrMap;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, wih, whh, bih, bhh, hh, cc] = args as tf.Tensor[];
    const [out] = tf.engine().runKernel(LSTM_KERNEL, { x: xx, wih, whh, bih, bhh, h0: hh, c0: cc }, attrs) as tf.Tensor[];
    return {
      value: out,
      gradFunc: (dy: tf.Tensor) => {
        try {
          const [dx, dwih, dwhh, db, dh0, dc0] = tf.engine().runKernel(LSTM_GRAD_KERNEL, { dout: dy }, attrs) as tf.Tensor[];
          return [dx, dwih, dwhh, db, db.clone(), dh0, dc0];
        } finally {
          kernels().releaseStash(stash);
        }
      },
    };
  });
  const out = op(x, w.wih, w.whh, w.bih, w.bhh, h0, c0);
  if (finalOnly) return { hn: out };
  return { hs: tf.slice(out, [0, 0], [N, H]), hn: tf.slice(out, [N, 0], [B, H]), cn: tf.slice(out, [N + B, 0], [B, H]) };
}

/** One GRU layer over packed rows; shapes as for lstmLayer, without the cell state. */
export function gruLayer(x: tf.Tensor, batchSizes: ArrayLike<number>, w: RnnLayerWeights, h0: tf.Tensor, opts: LayerOptions = {}): LayerResult {
  registerRnnKernels();
  const [N, I] = x.shape as [number, number];
  const H = w.whh.shape[1] as number;
  const B = h0.shape[0] as number;
  const finalOnly = opts.returnSequences === false;
  const stash = recording() ? kernels().stash(gruStashLayout(N, I, H).total).id : 0;
  const attrs = { batchSizes: Array.from(batchSizes), inputGrad: opts.inputGrad !== false, finalOnly, stash, inputSize: I, hiddenSize: H } as unknown as NamedAttrMap;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, wih, whh, bih, bhh, hh] = args as tf.Tensor[];
    const [out] = tf.engine().runKernel(GRU_KERNEL, { x: xx, wih, whh, bih, bhh, h0: hh }, attrs) as tf.Tensor[];
    return {
      value: out,
      gradFunc: (dy: tf.Tensor) => {
        try {
          return tf.engine().runKernel(GRU_GRAD_KERNEL, { dout: dy }, attrs) as tf.Tensor[];
        } finally {
          kernels().releaseStash(stash);
        }
      },
    };
  });
  const out = op(x, w.wih, w.whh, w.bih, w.bhh, h0);
  if (finalOnly) return { hn: out };
  return { hs: tf.slice(out, [0, 0], [N, H]), hn: tf.slice(out, [N, 0], [B, H]) };
}
