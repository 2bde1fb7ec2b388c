// denseMse (linear layer + MSE, fused) against the same computation in plain tfjs ops, values and
// every gradient, and against finite differences.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { denseMse } from '../../../src/engine/nn/losses';
import { assertClose } from '../../helpers/close';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`denseMse (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('matches matMul + bias + mean squared error, value and gradients', () => {
      const x = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
      const w = tf.randomNormal([3, 5], 0, 1, 'float32', 2);
      const b = tf.randomNormal([3], 0, 1, 'float32', 3);
      const y = tf.randomNormal([7, 3], 0, 1, 'float32', 4);
      const plain = (a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor, yy: tf.Tensor) =>
        tf.tidy(() => tf.mean(tf.squaredDifference(tf.add(tf.matMul(a, ww, false, true), bb), yy)) as tf.Scalar);
      const before = tf.memory().numTensors;
      const v1 = denseMse(x, w, b, y);
      const v2 = plain(x, w, b, y);
      assertClose(v1.dataSync(), v2.dataSync(), 'loss');
      const g1 = tf.grads((a, ww, bb, yy) => denseMse(a, ww, bb, yy))([x, w, b, y]);
      const g2 = tf.grads((a, ww, bb, yy) => plain(a, ww, bb, yy))([x, w, b, y]);
      ['x', 'W', 'b', 'y'].forEach((n, i) => assertClose(g1[i].dataSync(), g2[i].dataSync(), `d/d${n}`, 1e-5, 1e-6));
      // a scaled upstream gradient
      const g3 = tf.grad((ww: tf.Tensor) => tf.mul(denseMse(x, ww, b, y), 2.5))(w);
      assertClose(g3.dataSync(), Array.from(g2[1].dataSync(), (v) => 2.5 * v), 'dy = 2.5');
      tf.dispose([v1, v2, ...g1, ...g2, g3]);
      assert.equal(tf.memory().numTensors, before);
      // finite differences on one weight
      const wv = w.arraySync() as number[][];
      const h = 1e-2;
      const at = (delta: number) => {
        const w2 = wv.map((r) => r.slice());
        w2[1][2] += delta;
        const t = tf.tensor2d(w2);
        const l = denseMse(x, t, b, y);
        const v = l.dataSync()[0];
        tf.dispose([t, l]);
        return v;
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      const g = tf.grad((ww: tf.Tensor) => denseMse(x, ww, b, y))(w);
      assertClose([g.arraySync() as unknown as number[][]].flat(2).slice(1 * 5 + 2, 1 * 5 + 3), [fd], 'finite difference', 1e-3, 1e-4);
      tf.dispose([g, x, w, b, y]);
    });
  });
}
