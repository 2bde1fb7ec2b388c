// Fused softmax cross-entropy: values against the definition, gradient against finite differences.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { softmaxCrossEntropy } from '../../../src/engine/kernels/xent';
import { Rng } from '../../../src/engine/random';
import { assertClose } from '../../helpers/close';

function reference(logits: Float32Array, labels: Int32Array, N: number, V: number, mean: boolean): number {
  let total = 0;
  let count = 0;
  for (let r = 0; r < N; r++) {
    if (labels[r] < 0) continue;
    let m = -Infinity;
    for (let j = 0; j < V; j++) m = Math.max(m, logits[r * V + j]);
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(logits[r * V + j] - m);
    total += m + Math.log(s) - logits[r * V + labels[r]];
    count++;
  }
  return mean ? total / count : total;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`softmaxCrossEntropy (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('matches log_softmax + NLL, ignores label -1, and its gradient matches finite differences', () => {
      const N = 5, V = 11; // V not a multiple of 4 exercises the scalar tail
      const rng = new Rng(7);
      const data = Float32Array.from({ length: N * V }, () => rng.uniform(-3, 3));
      const labels = Int32Array.from([3, 10, -1, 0, 7]);
      const x = tf.tensor2d(data, [N, V]);
      for (const reduction of ['mean', 'sum'] as const) {
        const loss = softmaxCrossEntropy(x, labels, reduction);
        assertClose([loss.dataSync()[0]], [reference(data, labels, N, V, reduction === 'mean')], `${reduction} loss`, 1e-5, 1e-6);
        loss.dispose();
        const g = tf.grad((t: tf.Tensor) => softmaxCrossEntropy(t, labels, reduction))(x);
        const gv = g.dataSync();
        const h = 1e-3;
        const fd = new Float64Array(N * V);
        for (let i = 0; i < N * V; i++) {
          const p = Float32Array.from(data); p[i] += h;
          const m = Float32Array.from(data); m[i] -= h;
          fd[i] = (reference(p, labels, N, V, reduction === 'mean') - reference(m, labels, N, V, reduction === 'mean')) / (2 * h);
        }
        assertClose(gv, fd, `${reduction} gradient vs finite differences`, 1e-3, 1e-4);
        // the ignored row gets no gradient
        for (let j = 0; j < V; j++) assert.equal(gv[2 * V + j], 0);
        g.dispose();
      }
      x.dispose();
    });

    test('a scaled upstream gradient scales the result, and nothing leaks', () => {
      const x = tf.tensor2d([[1, 2, 3], [0, 0, 5]]);
      const labels = Int32Array.from([2, 0]);
      const before = tf.memory().numTensors;
      const g1 = tf.grad((t: tf.Tensor) => softmaxCrossEntropy(t, labels))(x);
      const g3 = tf.grad((t: tf.Tensor) => tf.mul(softmaxCrossEntropy(t, labels), 3))(x);
      assertClose(g3.dataSync(), Array.from(g1.dataSync(), (v) => 3 * v), 'dy = 3');
      tf.dispose([g1, g3]);
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
    });
  });
}
