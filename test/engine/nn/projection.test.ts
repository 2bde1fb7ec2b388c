// The output projection (x·Wᵀ + b on the kernel module's GEMM, two threads for large products)
// against tfjs's own ops: values and every gradient, on a product big enough to be split; and the
// projection fused with the cross-entropy against the two ops apart, bit for bit.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { projectedCrossEntropy, projection } from '../../../src/engine/kernels/projection';
import { softmaxCrossEntropy } from '../../../src/engine/kernels/xent';
import { kernels } from '../../../src/engine/kernels/wasm';
import { assertClose } from '../../helpers/close';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`projection (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const [N, H, V] of [[5, 3, 7], [70, 260, 601]]) {
      // 70·260·601 ≈ 11 M multiply-adds: above the two-thread threshold, with odd edges
      test(`[${N},${H}]·[${H},${V}]: values and gradients match tfjs`, () => {
        const x = tf.randomNormal([N, H], 0, 1, 'float32', 1);
        const wt = tf.randomNormal([H, V], 0, 0.1, 'float32', 2);
        const b = tf.randomNormal([V], 0, 1, 'float32', 3);
        const up = tf.randomNormal([N, V], 0, 1, 'float32', 4); // upstream gradient via a weighted sum
        const ours = (a: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(projection(a, w, bb), up)) as tf.Scalar;
        const ref = (a: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(tf.add(tf.matMul(a, w), bb), up)) as tf.Scalar);
        const before = tf.memory().numTensors;
        const y1 = projection(x, wt, b);
        const y2 = tf.tidy(() => tf.add(tf.matMul(x, wt), b));
        assertClose(y1.dataSync(), y2.dataSync(), 'y', 1e-4, 1e-5);
        const g1 = tf.grads(ours)([x, wt, b]);
        const g2 = tf.grads(ref)([x, wt, b]);
        ['x', 'Wᵀ', 'b'].forEach((n, i) => assertClose(g1[i].dataSync(), g2[i].dataSync(), `d/d${n}`, 1e-4, 1e-4));
        tf.dispose([y1, y2, ...g1, ...g2]);
        assert.equal(tf.memory().numTensors, before, 'no tensors leak');
        assert.equal(kernels().pendingStashes, 0, 'backward released its stash');
        tf.dispose([x, wt, b, up]);
      });
    }

    // [320, 256]·[256, 5431]: kor-eng's output layer (native or split products); labels with an ignored row.
    for (const [N, H, V] of [[6, 4, 9], [320, 256, 5431]]) {
      test(`[${N},${H}]·[${H},${V}] fused with the cross-entropy equals the two ops apart, bit for bit: loss and every gradient, mean and sum, with and without bias, upstream 1 and not`, () => {
        const x = tf.randomNormal([N, H], 0, 1, 'float32', 5);
        const wt = tf.randomNormal([H, V], 0, 0.1, 'float32', 6);
        const b = tf.randomNormal([V], 0, 1, 'float32', 7);
        const labels = Int32Array.from({ length: N }, (_, i) => (i === 1 ? -1 : (i * 7919) % V));
        for (const reduction of ['mean', 'sum'] as const) {
          for (const withBias of [true, false]) {
            for (const upstream of [1, 3.5]) {
              const run = (fused: boolean) => {
                const f = (a: tf.Tensor, w: tf.Tensor, bb?: tf.Tensor) => {
                  const loss = fused ? projectedCrossEntropy(a, w, bb ?? null, labels, reduction) : softmaxCrossEntropy(projection(a, w, bb ?? null), labels, reduction);
                  return tf.mul(loss, upstream) as tf.Scalar;
                };
                const { value, grads } = tf.valueAndGrads(f)(withBias ? [x, wt, b] : [x, wt]);
                const out = [value, ...grads].map((t) => t.dataSync().slice());
                tf.dispose([value, ...grads]);
                return out;
              };
              const before = tf.memory().numTensors;
              const [fused, apart] = [run(true), run(false)];
              assert.equal(fused.length, withBias ? 4 : 3);
              fused.forEach((v, i) => assert.deepEqual(v, apart[i], `${['loss', 'd/dx', 'd/dWᵀ', 'd/db'][i]} (${reduction}, bias ${withBias}, upstream ${upstream})`));
              assert.equal(tf.memory().numTensors, before, 'no tensors leak');
              assert.equal(kernels().pendingStashes, 0, 'backward released its stash');
            }
          }
        }
        const noTape = projectedCrossEntropy(x, wt, b, labels, 'mean');
        assert.equal(kernels().pendingStashes, 0, 'a forward outside a gradient keeps no stash');
        assert.ok(Number.isFinite(noTape.dataSync()[0]));
        tf.dispose([noTape, x, wt, b]);
      });
    }
  });
}
