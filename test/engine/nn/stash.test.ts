// The activations a recorded forward keeps for its backward pass live in kernel memory ("stash"):
// backward must release them, inference must not take any, and memory must not creep.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { RNN } from '../../../src/engine/nn/rnn';
import { Rng } from '../../../src/engine/random';
import { kernels } from '../../../src/engine/kernels/wasm';

describe('activation stash', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('training steps release every stash and reuse the same memory; inference takes none', () => {
    for (const mode of ['lstm', 'gru'] as const) {
      const rnn = new RNN({ mode, inputSize: 3, hiddenSize: 8, numLayers: 2 }, new Rng(3));
      const x = tf.randomNormal([4, 6, 3], 0, 1, 'float32', 5);
      const lengths = [6, 2, 5, 3];
      const step = () => {
        const { value, grads } = tf.variableGrads(() => tf.sum(rnn.forward(x, lengths).output) as tf.Scalar, rnn.variables);
        tf.dispose([value, ...Object.values(grads)]);
      };
      step();
      const reserved = kernels().bytesReserved;
      for (let i = 0; i < 20; i++) step();
      assert.equal(kernels().pendingStashes, 0, `${mode}: no stash left after backward`);
      assert.equal(kernels().bytesReserved, reserved, `${mode}: persistent kernel memory does not grow step by step`);
      const out = tf.tidy(() => tf.sum(rnn.forward(x, lengths).output));
      assert.equal(kernels().pendingStashes, 0, `${mode}: inference keeps no activations`);
      tf.dispose([out, x]);
      rnn.dispose();
    }
  });
});
