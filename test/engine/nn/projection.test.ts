// The output projection (x·Wᵀ + b on the kernel module's GEMM, two threads for large products)
// against tfjs's own ops: values and every gradient, on a product big enough to be split.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { projection } from '../../../src/engine/kernels/projection';
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
  });
}
