// FusedOptimizer: torch.optim.Adam and SGD's update rules worked by hand, and variables that a
// matMul used before an update are seen with their new values after it (tfjs-backend-wasm caches
// a packed copy of a matMul's right operand per tensor id).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { FusedOptimizer } from '../../../src/engine/train/optimizers';
import { assertClose } from '../../helpers/close';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`FusedOptimizer (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('Adam follows torch.optim.Adam for three steps', () => {
      const v = tf.variable(tf.tensor1d([1, -2, 0.5]));
      const opt = new FusedOptimizer([v], { name: 'adam', lr: 0.1 });
      const grads = [[0.5, -1, 2], [0.1, 0.2, -0.3], [-1, 0, 1]];
      // torch: m = β1 m + (1−β1) g; v = β2 v + (1−β2) g²; p −= lr/bc1 · m / (√v/√bc2 + ε)
      const p = [1, -2, 0.5], m = [0, 0, 0], s = [0, 0, 0];
      grads.forEach((g, step) => {
        const t = tf.tensor1d(g);
        opt.applyGradients({ [v.name]: t });
        t.dispose();
        const bc1 = 1 - 0.9 ** (step + 1), bc2 = 1 - 0.999 ** (step + 1);
        for (let i = 0; i < 3; i++) {
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          s[i] = 0.999 * s[i] + 0.001 * g[i] * g[i];
          p[i] -= (0.1 / bc1) * m[i] / (Math.sqrt(s[i]) / Math.sqrt(bc2) + 1e-8);
        }
        assertClose(v.dataSync(), p, `after step ${step + 1}`); // float32 arithmetic: the suite’s rtol 1e-5
      });
      opt.dispose();
      v.dispose();
    });

    test('SGD with global-norm clipping: p −= lr · g · clip/‖g‖', () => {
      const a = tf.variable(tf.tensor1d([1, 1]));
      const b = tf.variable(tf.tensor1d([2]));
      const opt = new FusedOptimizer([a, b], { name: 'sgd', lr: 0.5 });
      const ga = tf.tensor1d([3, 0]), gb = tf.tensor1d([4]); // ‖g‖ = 5
      const info = opt.applyGradients({ [a.name]: ga, [b.name]: gb }, 1);
      assert.ok(Math.abs(info.gradNorm - 5) < 1e-6 && info.clipped);
      const k = 1 / (5 + 1e-6);
      assertClose(a.dataSync(), [1 - 0.5 * 3 * k, 1], 'a', 1e-6);
      assertClose(b.dataSync(), [2 - 0.5 * 4 * k], 'b', 1e-6);
      tf.dispose([ga, gb, a, b]);
      opt.dispose();
    });

    test('a matMul sees a variable’s new values after an update', () => {
      const x = tf.tensor2d([[1, 2], [3, 4]]);
      const w = tf.variable(tf.tensor2d([[1, 0], [0, 1]]));
      const before = tf.matMul(x, w); // warms the operator cache for w
      assertClose(before.dataSync(), [1, 2, 3, 4], 'identity');
      const opt = new FusedOptimizer([w], { name: 'sgd', lr: 1 });
      const g = tf.tensor2d([[-1, 0], [0, -1]]); // w ← 2·I
      opt.applyGradients({ [w.name]: g });
      const after = tf.matMul(x, w);
      assertClose(after.dataSync(), [2, 4, 6, 8], 'after the update');
      tf.dispose([x, w, before, g, after]);
      opt.dispose();
    });
  });
}
