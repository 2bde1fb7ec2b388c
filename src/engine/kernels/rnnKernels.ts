/**
 * The fused LSTM and GRU layers: forward and backward registered with tfjs as kernels, and joined
 * into a differentiable op with tf.customGrad, so they take part in tfjs autodiff like any op
 * (`tf.grads`, `tf.variableGrads` and tidy all work).
 *
 * One kernel call runs a whole packed sequence through one layer in the SIMD module. The forward
 * kernel also returns the activations the backward kernel needs (gates, cell states, …). They go
 * through customGrad's `save`, not out as op outputs: tfjs materialises a zero gradient for every
 * output not on the backprop path, which for these buffers cost more than the arithmetic. So the
 * op has one output, the layer's outputs and final states stacked by rows: [hs; hn; cn].
 *
 * Registered for every backend by reading inputs with `readSync` and writing outputs with
 * `makeTensorInfo`, so the same numbers come out on wasm, cpu and tensorflow.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernels } from './wasm';
import { emit, peek } from './tensorIO';

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
}

function attrsOf(attrs: NamedAttrMap | undefined): RnnAttrs {
  const a = attrs as unknown as RnnAttrs;
  return { batchSizes: a.batchSizes, inputGrad: a.inputGrad !== false, finalOnly: a.finalOnly === true };
}

/** Kernel inputs by name; every kernel here requires all of its inputs. */
function need(inputs: tf.NamedTensorInfoMap): Record<string, TensorInfo> {
  return inputs as Record<string, TensorInfo>;
}

type Reader = (t: TensorInfo | null | undefined, n: number) => number;

/** Copies tensors into kernel scratch; a missing (null) gradient becomes zeros. */
function readerFor(backend: KernelBackend): Reader {
  const km = kernels();
  return (t, n) => {
    if (t == null) {
      const ptr = km.scratch(n);
      km.f32(ptr, n).fill(0);
      return ptr;
    }
    // put() may grow kernel memory, but peek's view is into the backend's memory, so it stays valid.
    return km.put(peek(backend, t));
  };
}

function output(backend: KernelBackend, shape: number[], ptr: number): TensorInfo {
  const n = shape.reduce((a, b) => a * b, 1);
  return emit(backend, shape, kernels().f32(ptr, n));
}

// ---------------------------------------------------------------------------------------------
// LSTM

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap };

/** Outputs: [hs; hn; cn] [N+2B, H] (or hn [B, H] when finalOnly), then saved activations gates [N,4H], cs, tcs, hprev [N,H]. */
function lstmForwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { batchSizes, finalOnly } = attrsOf(attrs);
  const { x, wih, whh, bih, bhh, h0, c0 } = need(inputs);
  const [N, I] = x.shape;
  const H = whh.shape[1];
  const T = batchSizes.length;
  const B = batchSizes[0];
  const G = 4 * H;
  const km = kernels();
  km.beginScratch();
  const read = readerFor(backend);
  const bs = km.put(batchSizes, true);
  const px = read(x, N * I), pwih = read(wih, G * I), pwhh = read(whh, G * H);
  const pbih = read(bih, G), pbhh = read(bhh, G), ph0 = read(h0, B * H), pc0 = read(c0, B * H);
  const gates = km.scratch(N * G), cs = km.scratch(N * H), tcs = km.scratch(N * H), hprev = km.scratch(N * H);
  const out = km.scratch((N + 2 * B) * H); // hs, hn, cn back to back
  const hs = out, hn = out + N * H * 4, cn = hn + B * H * 4;
  const scratch = km.scratch((I + H + 1) * G);
  km.k.lstmForward(N, I, H, T, bs, px, pwih, pwhh, pbih, pbhh, ph0, pc0, gates, cs, tcs, hprev, hs, hn, cn, scratch);
  return [
    finalOnly ? output(backend, [B, H], hn) : output(backend, [N + 2 * B, H], out),
    output(backend, [N, G], gates),
    output(backend, [N, H], cs),
    output(backend, [N, H], tcs),
    output(backend, [N, H], hprev),
  ];
}

/** Inputs: the forward's inputs and saved activations, and dout [N+2B, H] (or [B, H] when finalOnly). Outputs: dx, dwih, dwhh, db, dh0, dc0. */
function lstmBackwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { batchSizes, inputGrad, finalOnly } = attrsOf(attrs);
  const { x, wih, whh, c0, gates, cs, tcs, hprev, dout } = need(inputs);
  const [N, I] = x.shape;
  const H = whh.shape[1];
  const T = batchSizes.length;
  const B = batchSizes[0];
  const G = 4 * H;
  const km = kernels();
  km.beginScratch();
  const read = readerFor(backend);
  const bs = km.put(batchSizes, true);
  const px = read(x, N * I), pwih = read(wih, G * I), pwhh = read(whh, G * H), pc0 = read(c0, B * H);
  const pg = read(gates, N * G), pcs = read(cs, N * H), ptcs = read(tcs, N * H), php = read(hprev, N * H);
  let pdhs: number, pdhn: number, pdcn: number;
  if (finalOnly) {
    pdhn = read(dout, B * H);
    pdhs = read(null, N * H); // zeros: the per-step outputs were not used
    pdcn = read(null, B * H);
  } else {
    const pdout = read(dout, (N + 2 * B) * H);
    pdhs = pdout;
    pdhn = pdout + N * H * 4;
    pdcn = pdhn + B * H * 4;
  }
  const dx = km.scratch(N * I), dwih = km.scratch(G * I), dwhh = km.scratch(G * H), db = km.scratch(G);
  const dh0 = km.scratch(B * H), dc0 = km.scratch(B * H);
  const scratch = km.scratch(N * G + 2 * B * H + Math.max(I, H) * G);
  if (!inputGrad) km.f32(dx, N * I).fill(0);
  km.k.lstmBackward(N, I, H, T, bs, px, pwih, pwhh, pc0, pg, pcs, ptcs, php, pdhs, pdhn, pdcn, inputGrad ? dx : 0, dwih, dwhh, db, dh0, dc0, scratch);
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

/** Outputs: [hs; hn] [N+B, H] (or hn [B, H] when finalOnly), then saved activations gates [N,3H], ghn, hprev [N,H]. */
function gruForwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { batchSizes, finalOnly } = attrsOf(attrs);
  const { x, wih, whh, bih, bhh, h0 } = need(inputs);
  const [N, I] = x.shape;
  const H = whh.shape[1];
  const T = batchSizes.length;
  const B = batchSizes[0];
  const G = 3 * H;
  const km = kernels();
  km.beginScratch();
  const read = readerFor(backend);
  const bs = km.put(batchSizes, true);
  const px = read(x, N * I), pwih = read(wih, G * I), pwhh = read(whh, G * H);
  const pbih = read(bih, G), pbhh = read(bhh, G), ph0 = read(h0, B * H);
  const gates = km.scratch(N * G), ghn = km.scratch(N * H), hprev = km.scratch(N * H);
  const out = km.scratch((N + B) * H);
  const hs = out, hn = out + N * H * 4;
  const scratch = km.scratch((I + H) * G + B * G);
  km.k.gruForward(N, I, H, T, bs, px, pwih, pwhh, pbih, pbhh, ph0, gates, ghn, hprev, hs, hn, scratch);
  return [
    finalOnly ? output(backend, [B, H], hn) : output(backend, [N + B, H], out),
    output(backend, [N, G], gates),
    output(backend, [N, H], ghn),
    output(backend, [N, H], hprev),
  ];
}

/** Inputs: the forward's inputs and saved activations, and dout [N+B, H] (or [B, H] when finalOnly). Outputs: dx, dwih, dwhh, dbih, dbhh, dh0. */
function gruBackwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { batchSizes, inputGrad, finalOnly } = attrsOf(attrs);
  const { x, wih, whh, gates, ghn, hprev, dout } = need(inputs);
  const [N, I] = x.shape;
  const H = whh.shape[1];
  const T = batchSizes.length;
  const B = batchSizes[0];
  const G = 3 * H;
  const km = kernels();
  km.beginScratch();
  const read = readerFor(backend);
  const bs = km.put(batchSizes, true);
  const px = read(x, N * I), pwih = read(wih, G * I), pwhh = read(whh, G * H);
  const pg = read(gates, N * G), pghn = read(ghn, N * H), php = read(hprev, N * H);
  let pdhs: number, pdhn: number;
  if (finalOnly) {
    pdhn = read(dout, B * H);
    pdhs = read(null, N * H);
  } else {
    const pdout = read(dout, (N + B) * H);
    pdhs = pdout;
    pdhn = pdout + N * H * 4;
  }
  const dx = km.scratch(N * I), dwih = km.scratch(G * I), dwhh = km.scratch(G * H);
  const dbih = km.scratch(G), dbhh = km.scratch(G), dh0 = km.scratch(B * H);
  const scratch = km.scratch(2 * N * G + B * H + Math.max(I, H) * G);
  if (!inputGrad) km.f32(dx, N * I).fill(0);
  km.k.gruBackward(N, I, H, T, bs, px, pwih, pwhh, pg, pghn, php, pdhs, pdhn, inputGrad ? dx : 0, dwih, dwhh, dbih, dbhh, dh0, scratch);
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

/**
 * One LSTM layer over packed rows.
 * x [N, I] time-major packed; h0, c0 [B, H] in sorted (packed) order; batchSizes per step.
 * Returns hs [N, H] (packed like x) and hn, cn [B, H] at each sequence's last step (sorted order);
 * only hn with returnSequences false.
 */
export function lstmLayer(x: tf.Tensor, batchSizes: ArrayLike<number>, w: RnnLayerWeights, h0: tf.Tensor, c0: tf.Tensor, opts: LayerOptions = {}): LayerResult & { cn?: tf.Tensor } {
  registerRnnKernels();
  const finalOnly = opts.returnSequences === false;
  const attrs = { batchSizes: Array.from(batchSizes), inputGrad: opts.inputGrad !== false, finalOnly } as unknown as NamedAttrMap;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, wih, whh, bih, bhh, hh, cc] = args as tf.Tensor[];
    const save = args[7] as tf.GradSaveFunc;
    const [out, gates, cs, tcs, hprev] = tf.engine().runKernel(LSTM_KERNEL, { x: xx, wih, whh, bih, bhh, h0: hh, c0: cc }, attrs) as tf.Tensor[];
    save([xx, wih, whh, cc, gates, cs, tcs, hprev]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, swih, swhh, sc0, sg, scs, stcs, shp] = saved;
        const [dx, dwih, dwhh, db, dh0, dc0] = tf.engine().runKernel(
          LSTM_GRAD_KERNEL,
          { x: sx, wih: swih, whh: swhh, c0: sc0, gates: sg, cs: scs, tcs: stcs, hprev: shp, dout: dy },
          attrs,
        ) as tf.Tensor[];
        return [dx, dwih, dwhh, db, db.clone(), dh0, dc0];
      },
    };
  });
  const out = op(x, w.wih, w.whh, w.bih, w.bhh, h0, c0);
  if (finalOnly) return { hn: out };
  const [N, B, H] = [x.shape[0] as number, h0.shape[0] as number, out.shape[1] as number];
  return { hs: tf.slice(out, [0, 0], [N, H]), hn: tf.slice(out, [N, 0], [B, H]), cn: tf.slice(out, [N + B, 0], [B, H]) };
}

/** One GRU layer over packed rows; shapes as for lstmLayer, without the cell state. */
export function gruLayer(x: tf.Tensor, batchSizes: ArrayLike<number>, w: RnnLayerWeights, h0: tf.Tensor, opts: LayerOptions = {}): LayerResult {
  registerRnnKernels();
  const finalOnly = opts.returnSequences === false;
  const attrs = { batchSizes: Array.from(batchSizes), inputGrad: opts.inputGrad !== false, finalOnly } as unknown as NamedAttrMap;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, wih, whh, bih, bhh, hh] = args as tf.Tensor[];
    const save = args[6] as tf.GradSaveFunc;
    const [out, gates, ghn, hprev] = tf.engine().runKernel(GRU_KERNEL, { x: xx, wih, whh, bih, bhh, h0: hh }, attrs) as tf.Tensor[];
    save([xx, wih, whh, gates, ghn, hprev]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, swih, swhh, sg, sghn, shp] = saved;
        return tf.engine().runKernel(
          GRU_GRAD_KERNEL,
          { x: sx, wih: swih, whh: swhh, gates: sg, ghn: sghn, hprev: shp, dout: dy },
          attrs,
        ) as tf.Tensor[];
      },
    };
  });
  const out = op(x, w.wih, w.whh, w.bih, w.bhh, h0);
  if (finalOnly) return { hn: out };
  const [N, B, H] = [x.shape[0] as number, h0.shape[0] as number, out.shape[1] as number];
  return { hs: tf.slice(out, [0, 0], [N, H]), hn: tf.slice(out, [N, 0], [B, H]) };
}
