/**
 * Softmax cross-entropy over logits [N, V] — torch's log_softmax + NLLLoss (or CrossEntropyLoss) —
 * fused into one SIMD pass that also writes the gradient (softmax − onehot), so backward is free.
 * For a 5,430-word vocabulary the generic route (logSoftmax, gather, mean and their gradients)
 * makes several [N, V] temporaries per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernels } from './wasm';
import { emit, peek } from './tensorIO';
import { gemmPool } from './parallel';

export type Reduction = 'mean' | 'sum';

/** The factor on every row's loss: 1 for 'sum', 1 / (rows with a label ≥ 0) for 'mean'. Checks the labels fit. */
export function crossEntropyScale(labels: Int32Array, N: number, V: number, reduction: Reduction): number {
  if (labels.length !== N) throw new Error(`softmaxCrossEntropy: ${labels.length} labels for ${N} rows`);
  let count = 0;
  for (let i = 0; i < N; i++) {
    if (labels[i] >= V) throw new Error(`softmaxCrossEntropy: label ${labels[i]} out of range for ${V} classes`);
    if (labels[i] >= 0) count++;
  }
  return reduction === 'mean' ? 1 / Math.max(1, count) : 1;
}

/**
 * Scalar loss: mean (over rows whose label ≥ 0) or sum of −log softmax(logits)[label].
 * Labels < 0 are ignored, like PyTorch's ignore_index. Differentiable w.r.t. logits.
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: Int32Array, reduction: Reduction = 'mean'): tf.Scalar {
  const [N, V] = logits.shape as [number, number];
  const scale = crossEntropyScale(labels, N, V, reduction);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const lg = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const backend = tf.backend();
    const km = kernels();
    km.beginScratch();
    const pl = km.put(peek(backend, lg));
    const plab = km.put(labels, true);
    const losses = km.scratch(N);
    const dl = km.scratch(N * V);
    gemmPool().softmaxXent(pl, plab, N, V, losses, dl, scale);
    let total = 0;
    const lv = km.f32(losses, N);
    for (let i = 0; i < N; i++) total += lv[i];
    const grad = tf.engine().makeTensorFromTensorInfo(emit(backend, [N, V], km.f32(dl, N * V)));
    save([grad]);
    return {
      value: tf.scalar(total * scale),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        // The loss is almost always the end of the graph (dy = 1): skip an [N, V] multiply.
        const d = dy.dataSync()[0];
        return d === 1 ? saved[0].clone() : tf.mul(saved[0], dy);
      },
    };
  });
  return op(logits) as tf.Scalar;
}
