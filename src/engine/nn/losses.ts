/**
 * A linear layer followed by the mean squared error, fused into one differentiable op:
 *   loss = mean((x·Wᵀ + b − y)²)   x [B, H], W [O, H], b [O], y [B, O]
 * The forecaster's head and loss are ~20 tiny tfjs ops (matmul, bias, reshape, difference, mean
 * and their gradients) around a product of a few thousand multiply-adds; at tfjs's per-op cost
 * they took longer than the LSTM's backward pass. Computed in the kernel module (assembly/head.ts) in
 * float64, and returned as float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { peek } from '../kernels/tensorIO';
import { kernels } from '../kernels/wasm';

/**
 * The head's forward pass on kernel memory (byte pointers; x [B, H], W [O, H], b [O], y [B, O]
 * float32): writes the outputs minus y, [B, O] float64, at `diff` (B·O·2 floats) and returns their
 * sum of squares, the loss's numerator (assembly/head.ts).
 */
export function denseMseForwardAt(x: number, w: number, b: number, y: number, B: number, H: number, O: number, diff: number): number {
  return kernels().k.denseMseForward(x, w, b, y, B, H, O, diff);
}

/**
 * The gradients of scale·Σ diff² / 2 (scale = 2/n · dy) on kernel memory: dx [B, H] += the input's
 * (float32; the caller zero-fills it), and dW [O, H], db [O] (float64: O·H·2 and O·2 floats) and
 * dy [B, O] (the labels', float32) written.
 */
export function denseMseBackwardAt(diff: number, x: number, w: number, B: number, H: number, O: number, scale: number, dx: number, dw: number, db: number, dy: number): void {
  kernels().k.denseMseBackward(diff, x, w, B, H, O, scale, dx, dw, db, dy);
}

export function denseMse(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, y: tf.Tensor): tf.Scalar {
  const [B, H] = x.shape as [number, number];
  const O = weight.shape[0] as number;
  if (weight.shape[1] !== H || bias.size !== O || y.size !== B * O) {
    throw new Error(`denseMse: shapes x [${x.shape}], W [${weight.shape}], b [${bias.shape}], y [${y.shape}] do not fit`);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, wt, bt, yt] = args as tf.Tensor[];
    const backend = tf.backend();
    const km = kernels();
    km.beginScratch();
    const px = km.put(peek(backend, xt)), pw = km.put(peek(backend, wt)), pb = km.put(peek(backend, bt)), py = km.put(peek(backend, yt));
    const pdiff = km.scratch(2 * B * O);
    const sse = denseMseForwardAt(px, pw, pb, py, B, H, O, pdiff);
    // Copies for the backward pass: scratch is the next kernel call's.
    const xv = km.read(px, B * H), wv = km.read(pw, O * H), diff = km.readF64(pdiff, B * O);
    const n = B * O;
    return {
      value: tf.scalar(sse / n),
      gradFunc: (dy: tf.Tensor) => {
        const scale = (2 / n) * dy.dataSync()[0];
        km.beginScratch();
        const bx = km.put(xv), bw = km.put(wv), bdiff = km.scratch(2 * B * O);
        const dx = km.zeros(B * H), dw = km.scratch(2 * O * H), db = km.scratch(2 * O), dyv = km.scratch(B * O);
        km.f64(bdiff, B * O).set(diff);
        denseMseBackwardAt(bdiff, bx, bw, B, H, O, scale, dx, dw, db, dyv);
        return [
          tf.tensor(km.read(dx, B * H), [B, H]),
          tf.tensor(Float32Array.from(km.f64(dw, O * H)), [O, H]),
          tf.tensor(Float32Array.from(km.f64(db, O)), [O]),
          tf.tensor(km.read(dyv, B * O), y.shape),
        ];
      },
    };
  });
  return op(x, weight, bias, y) as tf.Scalar;
}
