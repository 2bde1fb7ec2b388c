/**
 * y = x·Wᵀ + b with the weight stored transposed (Wᵀ [H, V]), forward and backward on the
 * multi-thread GEMM (kernels/parallel.ts): the seq2seq output layer, whose three products per step
 * (~0.5 G multiply-adds each for a 5,431-word vocabulary) are half of a training epoch.
 *   forward  y = x·Wᵀ + b
 *   backward dWᵀ = xᵀ·dy,  dx = dy·W,  db = Σ_rows dy
 * x and Wᵀ wait for the backward pass in a kernel-memory stash, as in rnnKernels.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernels } from './wasm';
import { gemmPool } from './parallel';
import { emit, peek } from './tensorIO';

function recording(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

function toTensor(shape: number[], ptr: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.engine().makeTensorFromTensorInfo(emit(tf.backend(), shape, kernels().f32(ptr, n)));
}

/** x [N, H], weightT [H, V], bias [V] or null → [N, V]. Differentiable in x, weightT and bias. */
export function projection(x: tf.Tensor, weightT: tf.Tensor, bias: tf.Tensor | null): tf.Tensor2D {
  const [N, H] = x.shape as [number, number];
  const V = weightT.shape[1] as number;
  if (weightT.shape[0] !== H) throw new Error(`projection: x [${x.shape}] and Wᵀ [${weightT.shape}] do not fit`);
  const km = kernels();
  const stash = recording() ? km.stash(N * H + H * V) : null;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, wt] = args as tf.Tensor[];
    const b = bias ? (args[2] as tf.Tensor) : null;
    const backend = tf.backend();
    km.beginScratch();
    const base = stash ? stash.ptr : km.scratch(N * H + H * V);
    const px = base, pwt = base + N * H * 4;
    km.f32(px, N * H).set(peek(backend, xx));
    km.f32(pwt, H * V).set(peek(backend, wt));
    const y = km.scratch(N * V);
    gemmPool().gemm(y, V, px, H, 1, pwt, V, N, H, V, false); // [N, V]
    if (b) km.k.addRowVector(y, km.put(peek(backend, b)), N, V);
    return {
      value: toTensor([N, V], y),
      gradFunc: (dy: tf.Tensor) => {
        if (!stash) throw new Error('projection: backward through a forward that was not recorded');
        try {
          km.beginScratch();
          const pdy = km.put(peek(tf.backend(), dy)); // [N, V]
          const pool = gemmPool();
          const dwt = km.scratch(H * V);
          pool.gemm(dwt, V, px, 1, H, pdy, V, H, N, V, false); // xᵀ·dy   [H, V]
          const w = km.scratch(V * H);
          km.k.transpose(w, pwt, H, V); // W [V, H]
          const dx = km.scratch(N * H);
          pool.gemm(dx, H, pdy, V, 1, w, H, N, V, H, false); // dy·W    [N, H]
          const grads = [toTensor([N, H], dx), toTensor([H, V], dwt)];
          if (b) {
            const db = km.scratch(V);
            km.k.colSum(db, pdy, N, V, false);
            grads.push(toTensor([V], db));
          }
          return grads;
        } finally {
          km.releaseStash(stash.id);
        }
      },
    };
  });
  return (bias ? op(x, weightT, bias) : op(x, weightT)) as tf.Tensor2D;
}
