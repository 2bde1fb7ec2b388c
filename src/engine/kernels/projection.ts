/**
 * y = x·Wᵀ + b with the weight stored transposed (Wᵀ [H, V]), forward and backward on the
 * multi-thread GEMM (kernels/parallel.ts): the seq2seq output layer, whose three products per step
 * (~0.5 G multiply-adds each for a 5,431-word vocabulary) are half of a training epoch.
 *   forward  y = x·Wᵀ + b
 *   backward dWᵀ = xᵀ·dy,  dx = dy·W,  db = Σ_rows dy
 * x and Wᵀ wait for the backward pass in a kernel-memory stash, as in rnnKernels.ts.
 *
 * projectedCrossEntropy fuses it with the softmax cross-entropy after it (kernels/xent.ts), the
 * seq2seq training loss: the logits [N, V] and their gradient stay in kernel memory, where the two
 * ops apart copied an [N, V] tensor out and back in twice per batch (four 7 MB copies and two
 * 7 MB tensors at kor-eng's 320 target rows × 5,431 words).
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernels } from './wasm';
import { gemmPool, nativeThreads } from './parallel';
import { emit, peek } from './tensorIO';
import { crossEntropyScale, type Reduction } from './xent';

function recording(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

function toTensor(shape: number[], ptr: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.engine().makeTensorFromTensorInfo(emit(tf.backend(), shape, kernels().f32(ptr, n)));
}

/**
 * The backward products from dy [N, V] at `pdy`, into the caller's buffers: dx = dy·W [N, H],
 * dWᵀ = xᵀ·dy [H, V], db = Σ_rows dy [V] (db 0: no bias), with x and Wᵀ at px, pwt; inside the
 * caller's scratch. The direct training step (models/seq2seqStep.ts) runs it on kernel memory.
 */
export function projectionBackwardRun(px: number, pwt: number, pdy: number, N: number, H: number, V: number, out: { dx: number; dwt: number; db: number }): void {
  const km = kernels();
  const pool = gemmPool();
  pool.gemm(out.dwt, V, px, 1, H, pdy, V, H, N, V, false); // xᵀ·dy   [H, V]
  const w = km.scratch(V * H);
  km.k.transpose(w, pwt, H, V); // W [V, H]
  pool.gemm(out.dx, H, pdy, V, 1, w, H, N, V, H, false); // dy·W    [N, H]
  if (out.db) km.k.colSum(out.db, pdy, N, V, false);
}

/** projectionBackwardRun into scratch, as tensors [dx, dWᵀ, db?]. */
function backwardProducts(px: number, pwt: number, pdy: number, N: number, H: number, V: number, withBias: boolean): tf.Tensor[] {
  const km = kernels();
  const out = { dwt: km.scratch(H * V), dx: km.scratch(N * H), db: withBias ? km.scratch(V) : 0 };
  projectionBackwardRun(px, pwt, pdy, N, H, V, out);
  const grads = [toTensor([N, H], out.dx), toTensor([H, V], out.dwt)];
  if (withBias) grads.push(toTensor([V], out.db));
  return grads;
}

/**
 * The logits x·Wᵀ + b [N, V] at `py` and their softmax cross-entropy: returns the sum of the rows'
 * losses (times `scale` it is the loss), and writes the logits' gradient over them when `grad`.
 * Inside the caller's scratch; pb 0: no bias.
 */
export function projectedCrossEntropyRun(px: number, pwt: number, pb: number, labels: Int32Array, N: number, H: number, V: number, py: number, scale: number, grad: boolean): number {
  const km = kernels();
  const pool = gemmPool();
  pool.gemm(py, V, px, H, 1, pwt, V, N, H, V, false); // logits [N, V]
  if (pb) km.k.addRowVector(py, pb, N, V);
  const plab = km.put(labels, true);
  const losses = km.scratch(N);
  pool.softmaxXent(py, plab, N, V, losses, grad ? py : 0, scale); // the gradient in place of the logits
  let total = 0;
  const lv = km.f32(losses, N);
  for (let i = 0; i < N; i++) total += lv[i];
  return total;
}

/**
 * The output layer's training step on kernel memory: the logits of x [N, H] at px through Wᵀ at
 * pwt and b at pb (0: none), their softmax cross-entropy against `labels` (returns the rows' loss
 * sum; times `scale` it is the loss) and the backward products into `out`, with the logits'
 * gradient scaled by `scale`. A product large enough for the native GEMM runs as one onnxruntime
 * graph (kernels/native.ts's outputLayer: the [N, V] logits and their gradient never cross the
 * binding, 14 ms against 23 ms for kor-eng's 320 rows × 256 × 5,431 words); otherwise, with
 * ignored labels (< 0), or if onnxruntime fails the graph, projectedCrossEntropyRun and
 * projectionBackwardRun, the tfjs path's arithmetic. Inside the caller's scratch.
 */
export function outputLayerRun(px: number, pwt: number, pb: number, labels: Int32Array, N: number, H: number, V: number, scale: number, out: { dx: number; dwt: number; db: number }): number {
  const km = kernels();
  const pool = gemmPool();
  // Native when each of its products would be (the pool's rules): the weight gradient xᵀ·G, whose
  // M = H, K = N rows and N = V, is the one that needs all three sides (a batch of one sentence stays).
  const threads = pool.native ? nativeThreads(H, N, V, true, pool.threads) : 0;
  if (threads > 0 && labels.every((l) => l >= 0)) {
    const total = pool.native!.outputLayer(km.sharedMemory.buffer, threads, px, pwt, pb, labels, N, H, V, scale, out);
    if (total !== null) return total;
  }
  const py = km.scratch(N * V);
  const total = projectedCrossEntropyRun(px, pwt, pb, labels, N, H, V, py, scale, true);
  projectionBackwardRun(px, pwt, py, N, H, V, out);
  return total;
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
          return backwardProducts(px, pwt, km.put(peek(tf.backend(), dy)), N, H, V, b !== null);
        } finally {
          km.releaseStash(stash.id);
        }
      },
    };
  });
  return (bias ? op(x, weightT, bias) : op(x, weightT)) as tf.Tensor2D;
}

/**
 * softmaxCrossEntropy(projection(x, weightT, bias), labels, reduction) in one op, the same
 * arithmetic in the same order (so the same bits), without the logits ever leaving kernel memory.
 * Differentiable in x, weightT and bias.
 */
export function projectedCrossEntropy(x: tf.Tensor, weightT: tf.Tensor, bias: tf.Tensor | null, labels: Int32Array, reduction: Reduction): tf.Scalar {
  const [N, H] = x.shape as [number, number];
  const V = weightT.shape[1] as number;
  if (weightT.shape[0] !== H) throw new Error(`projectedCrossEntropy: x [${x.shape}] and Wᵀ [${weightT.shape}] do not fit`);
  const scale = crossEntropyScale(labels, N, V, reduction);
  const km = kernels();
  // x, Wᵀ and the logits, which the cross-entropy overwrites with their gradient.
  const stash = recording() ? km.stash(N * H + H * V + N * V) : null;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, wt] = args as tf.Tensor[];
    const b = bias ? (args[2] as tf.Tensor) : null;
    const backend = tf.backend();
    km.beginScratch();
    const base = stash ? stash.ptr : km.scratch(N * H + H * V + N * V);
    const px = base, pwt = base + N * H * 4, py = pwt + H * V * 4;
    km.f32(px, N * H).set(peek(backend, xx));
    km.f32(pwt, H * V).set(peek(backend, wt));
    const total = projectedCrossEntropyRun(px, pwt, b ? km.put(peek(backend, b)) : 0, labels, N, H, V, py, scale, stash !== null);
    return {
      value: tf.scalar(total * scale),
      gradFunc: (dy: tf.Tensor) => {
        if (!stash) throw new Error('projectedCrossEntropy: backward through a forward that was not recorded');
        try {
          km.beginScratch();
          // The loss is almost always the end of the graph (dy = 1): the logits' gradient as it is.
          const d = dy.dataSync()[0];
          if (d !== 1) km.k.scale(py, N * V, d);
          return backwardProducts(px, pwt, py, N, H, V, b !== null);
        } finally {
          km.releaseStash(stash.id);
        }
      },
    };
  });
  return (bias ? op(x, weightT, bias) : op(x, weightT)) as tf.Scalar;
}
