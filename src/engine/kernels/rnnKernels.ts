/**
 * The fused LSTM and GRU layers, registered with tfjs as kernels (forward and backward) so they
 * take part in tfjs autodiff like any op: `tf.grads`, `optimizer.minimize` and tidy all work.
 *
 * One kernel call runs a whole packed sequence through one layer in the SIMD module. The forward
 * kernel returns, beside its real outputs, the activations the backward kernel needs (gates, cell
 * states, …); tfjs saves them on the tape, so no state hides outside tfjs's memory accounting.
 *
 * Registered for every backend by reading inputs with `readSync` and writing outputs with
 * `makeTensorInfo`, so the same numbers come out on wasm, cpu and tensorflow.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernels } from './wasm';

const BACKENDS = ['wasm', 'cpu', 'tensorflow'];

export const LSTM_KERNEL = 'RnnLabLSTM';
export const LSTM_GRAD_KERNEL = 'RnnLabLSTMGrad';
export const GRU_KERNEL = 'RnnLabGRU';
export const GRU_GRAD_KERNEL = 'RnnLabGRUGrad';

interface RnnAttrs {
  batchSizes: number[];
}

function attrsOf(attrs: NamedAttrMap | undefined): RnnAttrs {
  return { batchSizes: (attrs as unknown as RnnAttrs).batchSizes };
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
    return km.put(backend.readSync(t.dataId) as Float32Array);
  };
}

function output(backend: KernelBackend, shape: number[], ptr: number): TensorInfo {
  const n = shape.reduce((a, b) => a * b, 1);
  // slice(): the backend may keep the array it is given (cpu does), and kernel memory is reused.
  // write() is the one constructor every backend (cpu, wasm, tensorflow) implements.
  return { dataId: backend.write(kernels().f32(ptr, n).slice(), shape, 'float32'), shape, dtype: 'float32' };
}

// ---------------------------------------------------------------------------------------------
// LSTM

function lstmForwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap }): TensorInfo[] {
  const { batchSizes } = attrsOf(attrs);
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
  const gates = km.scratch(N * G), cs = km.scratch(N * H), tcs = km.scratch(N * H);
  const hprev = km.scratch(N * H), hs = km.scratch(N * H), hn = km.scratch(B * H), cn = km.scratch(B * H);
  const scratch = km.scratch((I + H) * G);
  km.k.lstmForward(N, I, H, T, bs, px, pwih, pwhh, pbih, pbhh, ph0, pc0, gates, cs, tcs, hprev, hs, hn, cn, scratch);
  return [
    output(backend, [N, H], hs),
    output(backend, [B, H], hn),
    output(backend, [B, H], cn),
    output(backend, [N, G], gates),
    output(backend, [N, H], cs),
    output(backend, [N, H], tcs),
    output(backend, [N, H], hprev),
  ];
}

function lstmBackwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap }): TensorInfo[] {
  const { batchSizes } = attrsOf(attrs);
  const { x, wih, whh, c0, gates, cs, tcs, hprev, dhs, dhn, dcn } = need(inputs);
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
  const pdhs = read(dhs, N * H), pdhn = read(dhn, B * H), pdcn = read(dcn, B * H);
  const dx = km.scratch(N * I), dwih = km.scratch(G * I), dwhh = km.scratch(G * H), db = km.scratch(G);
  const dh0 = km.scratch(B * H), dc0 = km.scratch(B * H);
  const scratch = km.scratch(N * G + 2 * B * H + Math.max(I, H) * G);
  km.k.lstmBackward(N, I, H, T, bs, px, pwih, pwhh, pc0, pg, pcs, ptcs, php, pdhs, pdhn, pdcn, dx, dwih, dwhh, db, dh0, dc0, scratch);
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

function gruForwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap }): TensorInfo[] {
  const { batchSizes } = attrsOf(attrs);
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
  const hs = km.scratch(N * H), hn = km.scratch(B * H);
  const scratch = km.scratch((I + H) * G + B * G);
  km.k.gruForward(N, I, H, T, bs, px, pwih, pwhh, pbih, pbhh, ph0, gates, ghn, hprev, hs, hn, scratch);
  return [
    output(backend, [N, H], hs),
    output(backend, [B, H], hn),
    output(backend, [N, G], gates),
    output(backend, [N, H], ghn),
    output(backend, [N, H], hprev),
  ];
}

function gruBackwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap }): TensorInfo[] {
  const { batchSizes } = attrsOf(attrs);
  const { x, wih, whh, gates, ghn, hprev, dhs, dhn } = need(inputs);
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
  const pdhs = read(dhs, N * H), pdhn = read(dhn, B * H);
  const dx = km.scratch(N * I), dwih = km.scratch(G * I), dwhh = km.scratch(G * H);
  const dbih = km.scratch(G), dbhh = km.scratch(G), dh0 = km.scratch(B * H);
  const scratch = km.scratch(2 * N * G + B * H + Math.max(I, H) * G);
  km.k.gruBackward(N, I, H, T, bs, px, pwih, pwhh, pg, pghn, php, pdhs, pdhn, dx, dwih, dwhh, dbih, dbhh, dh0, scratch);
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

/** Register the kernels and their gradients with tfjs (idempotent). */
export function registerRnnKernels(): void {
  if (registered) return;
  registered = true;
  const table: [string, (a: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap }) => TensorInfo[]][] = [
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
  tf.registerGradient({
    kernelName: LSTM_KERNEL,
    inputsToSave: ['x', 'wih', 'whh', 'c0'],
    outputsToSave: [false, false, false, true, true, true, true],
    gradFunc: (dy, saved, attrs) => {
      const dys = dy as (tf.Tensor | null)[];
      const [x, wih, whh, c0, gates, cs, tcs, hprev] = saved;
      const [dx, dwih, dwhh, db, dh0, dc0] = tf.engine().runKernel(
        LSTM_GRAD_KERNEL,
        { x, wih, whh, c0, gates, cs, tcs, hprev, dhs: dys[0] as tf.Tensor, dhn: dys[1] as tf.Tensor, dcn: dys[2] as tf.Tensor },
        attrs as unknown as NamedAttrMap,
      ) as tf.Tensor[];
      return { x: () => dx, wih: () => dwih, whh: () => dwhh, bih: () => db, bhh: () => db.clone(), h0: () => dh0, c0: () => dc0 };
    },
  });
  tf.registerGradient({
    kernelName: GRU_KERNEL,
    inputsToSave: ['x', 'wih', 'whh'],
    outputsToSave: [false, false, true, true, true],
    gradFunc: (dy, saved, attrs) => {
      const dys = dy as (tf.Tensor | null)[];
      const [x, wih, whh, gates, ghn, hprev] = saved;
      const [dx, dwih, dwhh, dbih, dbhh, dh0] = tf.engine().runKernel(
        GRU_GRAD_KERNEL,
        { x, wih, whh, gates, ghn, hprev, dhs: dys[0] as tf.Tensor, dhn: dys[1] as tf.Tensor },
        attrs as unknown as NamedAttrMap,
      ) as tf.Tensor[];
      return { x: () => dx, wih: () => dwih, whh: () => dwhh, bih: () => dbih, bhh: () => dbhh, h0: () => dh0 };
    },
  });
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

/**
 * One LSTM layer over packed rows.
 * x [N, I] time-major packed; h0, c0 [B, H] in sorted (packed) order; batchSizes per step.
 * Returns hs [N, H] (packed like x) and hn, cn [B, H] at each sequence's last step (sorted order).
 */
export function lstmLayer(x: tf.Tensor, batchSizes: ArrayLike<number>, w: RnnLayerWeights, h0: tf.Tensor, c0: tf.Tensor): { hs: tf.Tensor; hn: tf.Tensor; cn: tf.Tensor } {
  registerRnnKernels();
  const out = tf.engine().runKernel(LSTM_KERNEL, { x, wih: w.wih, whh: w.whh, bih: w.bih, bhh: w.bhh, h0, c0 }, { batchSizes: Array.from(batchSizes) } as unknown as NamedAttrMap) as tf.Tensor[];
  // The activations for backward are outputs too. When a tape records this op it keeps its own
  // clones of them (engine.saveTensorsForBackwardMode), so these handles can always be freed.
  for (let i = 3; i < out.length; i++) out[i].dispose();
  return { hs: out[0], hn: out[1], cn: out[2] };
}

/** One GRU layer over packed rows; shapes as for lstmLayer, without the cell state. */
export function gruLayer(x: tf.Tensor, batchSizes: ArrayLike<number>, w: RnnLayerWeights, h0: tf.Tensor): { hs: tf.Tensor; hn: tf.Tensor } {
  registerRnnKernels();
  const out = tf.engine().runKernel(GRU_KERNEL, { x, wih: w.wih, whh: w.whh, bih: w.bih, bhh: w.bhh, h0 }, { batchSizes: Array.from(batchSizes) } as unknown as NamedAttrMap) as tf.Tensor[];
  for (let i = 2; i < out.length; i++) out[i].dispose();
  return { hs: out[0], hn: out[1] };
}
