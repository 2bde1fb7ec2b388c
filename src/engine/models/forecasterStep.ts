/**
 * Lab 11-4's training step without tfjs: the forecaster's LSTM forward pass, its linear head and
 * mean squared error, and the backward pass run straight on kernel memory, reading the weights
 * from the optimiser's flat block and writing the gradient into its gradient block.
 *
 * The course's step (505 windows of 7 rows, LSTM 5→10) is a few hundred microseconds of kernel
 * work, and tfjs's dispatch, gradient tape and tensor bookkeeping around it cost about as much
 * again. Every piece here is what the tfjs path calls (rnnKernels.ts's LSTM, nn/losses.ts's
 * head and loss) on the same operands in the same order, so a step gives the tfjs path's bits
 * (tested); the tfjs path (Forecaster.lossPacked) stays the reference, and serves stacked LSTMs.
 */
import { kernels } from '../kernels/wasm';
import { zeros, lstmBackwardRun, lstmForwardRun } from '../kernels/rnnKernels';
import { denseMseBackwardAt, denseMseForwardAt } from '../nn/losses';
import type { FlatParameters } from '../train/optimizers';
import type { Forecaster } from './forecaster';

/** True when directStep can train this model: one LSTM layer (as the course's). */
export function forecasterDirectApplies(model: Forecaster): boolean {
  return model.config.layers === 1;
}

/**
 * One training step over B windows, x [T·B, F] time-major packed (as Forecaster.lossPacked takes
 * them) and y [B]: returns the loss as lossPacked reports it and writes every variable's gradient
 * into flat's gradient block.
 */
export function forecasterDirectStep(model: Forecaster, x: Float32Array, y: Float32Array, B: number, flat: FlatParameters): number {
  const { inputSize: I, hidden: H, seqLength: T } = model.config;
  const N = T * B;
  const G = 4 * H;
  if (x.length !== N * I || y.length !== B) throw new Error(`forecasterDirectStep: ${x.length} inputs and ${y.length} labels for ${B} windows of ${T} × ${I}`);
  const batchSizes = new Int32Array(T).fill(B);
  const p = (name: string) => flat.param(model.rnn.params.get(name)!);
  const g = (name: string) => flat.grad(model.rnn.params.get(name)!);
  const km = kernels();
  km.beginScratch();
  const f = {
    x: km.put(x),
    wih: p('weight_ih_l0'),
    whh: p('weight_hh_l0'),
    bih: p('bias_ih_l0'),
    bhh: p('bias_hh_l0'),
    h0: zeros(B * H),
    c0: zeros(B * H),
    xh: km.scratch(N * (I + 1 + H)),
    gates: km.scratch(N * G),
    cs: km.scratch(N * H),
    tcs: km.scratch(N * H),
    hs: km.scratch(N * H),
    hn: km.scratch(B * H), // [B, H]: the head's input
    cn: km.scratch(B * H),
  };
  const dhn = zeros(B * H), dhs = zeros(N * H), dcn = zeros(B * H), dh0 = km.scratch(B * H), dc0 = km.scratch(B * H);
  const py = km.put(y), diff = km.scratch(2 * B), dw = km.scratch(2 * H), db = km.scratch(2), dy = km.scratch(B);
  lstmForwardRun(N, I, H, batchSizes, f);

  const { weight, bias } = model.fc;
  const sse = denseMseForwardAt(f.hn, flat.param(weight), flat.param(bias), py, B, H, 1, diff);
  const value = Math.fround(sse / B);
  denseMseBackwardAt(diff, f.hn, flat.param(weight), B, H, 1, 2 / B, dhn, dw, db, dy);
  km.f32(flat.grad(weight), H).set(km.f64(dw, H));
  km.f32(flat.grad(bias), 1).set(km.f64(db, 1));

  lstmBackwardRun(N, I, H, batchSizes, f, { dhs, dhn, dcn, dx: 0, dwih: g('weight_ih_l0'), dwhh: g('weight_hh_l0'), db: g('bias_ih_l0'), dh0, dc0 });
  // One gradient for both biases, as the tfjs op gives it (they are summed in every gate).
  km.f32(g('bias_hh_l0'), G).set(km.f32(g('bias_ih_l0'), G));
  return value;
}
