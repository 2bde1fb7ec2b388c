// denseMse (linear layer + MSE, fused) against the same computation in plain tfjs ops, values and
// every gradient, and against finite differences; its kernels (assembly/head.ts, four rows at a
// time in float64 lanes) bit for bit against the float64 arithmetic one row at a time.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { denseMse, denseMseBackwardAt, denseMseForwardAt } from '../../../src/engine/nn/losses';
import { kernels } from '../../../src/engine/kernels/wasm';
import { Rng } from '../../../src/engine/random';
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

/** The head in float64, one row at a time: each output b + Σ_h x·w in h order, then the gradients in row order. */
function reference(x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array, B: number, H: number, O: number, scale: number) {
  const diff = new Float64Array(B * O);
  let sse = 0;
  const dx = new Float32Array(B * H), dw = new Float64Array(O * H), db = new Float64Array(O), dy = new Float32Array(B * O);
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < O; o++) {
      let s = b[o];
      for (let h = 0; h < H; h++) s += x[r * H + h] * w[o * H + h];
      diff[r * O + o] = s - y[r * O + o];
      sse += diff[r * O + o] ** 2;
    }
  }
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < O; o++) {
      const g = diff[r * O + o] * scale;
      dy[r * O + o] = -g;
      db[o] += g;
      for (let h = 0; h < H; h++) {
        dx[r * H + h] += g * w[o * H + h];
        dw[o * H + h] += g * x[r * H + h];
      }
    }
  }
  return { diff, sse, dx, dw, db, dy };
}

describe('the head kernels', () => {
  // Batches with and without a partial group of four rows, one output (the forecaster's) and three.
  for (const [B, H, O] of [[505, 10, 1], [7, 5, 3], [3, 4, 2], [8, 32, 1]]) {
    test(`B ${B}, H ${H}, O ${O}: the same bits as float64 one row at a time`, () => {
      const rng = new Rng(B * 100 + H * 10 + O);
      const x = rng.fillUniform(new Float32Array(B * H), 1), w = rng.fillUniform(new Float32Array(O * H), 1);
      const b = rng.fillUniform(new Float32Array(O), 1), y = rng.fillUniform(new Float32Array(B * O), 1);
      const scale = 2 / (B * O);
      const want = reference(x, w, b, y, B, H, O, scale);
      const km = kernels();
      km.beginScratch();
      const px = km.put(x), pw = km.put(w), pb = km.put(b), py = km.put(y);
      const diff = km.scratch(2 * B * O), dx = km.zeros(B * H), dw = km.scratch(2 * O * H), db = km.scratch(2 * O), dy = km.scratch(B * O);
      const sse = denseMseForwardAt(px, pw, pb, py, B, H, O, diff);
      denseMseBackwardAt(diff, px, pw, B, H, O, scale, dx, dw, db, dy);
      assert.equal(sse, want.sse);
      assert.deepEqual(km.readF64(diff, B * O), want.diff);
      assert.deepEqual(km.read(dx, B * H), want.dx);
      assert.deepEqual(km.readF64(dw, O * H), want.dw);
      assert.deepEqual(km.readF64(db, O), want.db);
      assert.deepEqual(km.read(dy, B * O), want.dy);
    });
  }
});
