/**
 * A linear layer followed by the mean squared error, fused into one differentiable op:
 *   loss = mean((x·Wᵀ + b − y)²)   x [B, H], W [O, H], b [O], y [B, O]
 * The forecaster's head and loss are ~20 tiny tfjs ops (matmul, bias, reshape, difference, mean
 * and their gradients) around a product of a few thousand multiply-adds; at tfjs's per-op cost
 * they took longer than the LSTM's backward pass. Computed here in float64 and returned as float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { peek } from '../kernels/tensorIO';

/** The head's outputs minus y, [B, O] in float64, and their sum of squares (the loss's numerator). */
export function denseMseForward(xv: Float32Array, wv: Float32Array, bv: Float32Array, yv: Float32Array, B: number, H: number, O: number): { diff: Float64Array; sse: number } {
  const diff = new Float64Array(B * O);
  let sse = 0;
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < O; o++) {
      let s = bv[o];
      for (let h = 0; h < H; h++) s += xv[r * H + h] * wv[o * H + h];
      const d = s - yv[r * O + o];
      diff[r * O + o] = d;
      sse += d * d;
    }
  }
  return { diff, sse };
}

/**
 * The gradients of scale·Σ diff² / 2 (scale = 2/n · dy): dx [B, H] into `dx` (zero-filled by the
 * caller), and dW [O, H], db [O], dy [B, O] (the labels'), returned.
 */
export function denseMseBackward(diff: Float64Array, xv: Float32Array, wv: Float32Array, B: number, H: number, O: number, scale: number, dx: Float32Array): { dw: Float64Array; db: Float64Array; dyv: Float32Array } {
  const dw = new Float64Array(O * H);
  const db = new Float64Array(O);
  const dyv = new Float32Array(B * O);
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < O; o++) {
      const g = diff[r * O + o] * scale;
      dyv[r * O + o] = -g;
      db[o] += g;
      for (let h = 0; h < H; h++) {
        dx[r * H + h] += g * wv[o * H + h];
        dw[o * H + h] += g * xv[r * H + h];
      }
    }
  }
  return { dw, db, dyv };
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
    // Copies: peek's views alias backend memory that the next tfjs op may reuse.
    const xv = peek(backend, xt).slice();
    const wv = peek(backend, wt).slice();
    const { diff, sse } = denseMseForward(xv, wv, peek(backend, bt), peek(backend, yt), B, H, O);
    const n = B * O;
    return {
      value: tf.scalar(sse / n),
      gradFunc: (dy: tf.Tensor) => {
        const dx = new Float32Array(B * H);
        const { dw, db, dyv } = denseMseBackward(diff, xv, wv, B, H, O, (2 / n) * dy.dataSync()[0], dx);
        return [tf.tensor(dx, [B, H]), tf.tensor(Float32Array.from(dw), [O, H]), tf.tensor(Float32Array.from(db), [O]), tf.tensor(dyv, y.shape)];
      },
    };
  });
  return op(x, weight, bias, y) as tf.Scalar;
}
