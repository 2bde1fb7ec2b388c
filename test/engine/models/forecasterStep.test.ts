// The forecaster's direct training step (models/forecasterStep.ts) against the tfjs path it
// stands in for: the same loss and the same gradient of every variable, bit for bit (the same
// kernels and the same float64 head on the same operands, in the same order); its gradient
// against finite differences; and lab 11-4's training with RNN_LAB_DIRECT_STEP=off and on giving
// the same losses, forecasts and saved weights.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { Forecaster } from '../../../src/engine/models/forecaster';
import { forecasterDirectApplies, forecasterDirectStep } from '../../../src/engine/models/forecasterStep';
import { FusedOptimizer } from '../../../src/engine/train/optimizers';
import { kernels } from '../../../src/engine/kernels/wasm';
import { runForecast } from '../../../src/engine/forecast/run';
import { Rng } from '../../../src/engine/random';
import { assertClose } from '../../helpers/close';
import { withEnv } from '../../helpers/env';

const STOCK = path.join(__dirname, '..', '..', '..', 'examples', 'stock_daily.csv');
const CONFIG = { inputSize: 3, hidden: 4, layers: 1, seqLength: 5 };
const B = 6;

function batch(seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  return { x: rng.fillUniform(new Float32Array(CONFIG.seqLength * B * CONFIG.inputSize), 1), y: rng.fillUniform(new Float32Array(B), 1) };
}

/** With RNN_LAB_DIRECT_STEP set to `mode` for the call. */
const withDirect = <T>(mode: 'on' | 'off', f: () => Promise<T>): Promise<T> => withEnv('RNN_LAB_DIRECT_STEP', mode, f);

describe('direct forecaster training step', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test("loss and every gradient equal the tfjs path's bit for bit", () => {
    const m = new Forecaster(CONFIG, 4);
    for (const seed of [1, 2]) {
      const { x, y } = batch(seed);
      const xt = tf.tensor2d(x, [CONFIG.seqLength * B, CONFIG.inputSize]), yt = tf.tensor1d(y);
      const ref = tf.variableGrads(() => m.lossPacked(xt, yt, B), m.variables);
      const opt = new FusedOptimizer(m.variables, { name: 'adam', lr: 0.01 });
      const flat = opt.flat();
      const value = forecasterDirectStep(m, x, y, B, flat);
      assert.equal(value, ref.value.dataSync()[0]);
      for (const v of m.variables) assert.deepEqual(kernels().f32(flat.grad(v), v.size).slice(), ref.grads[v.name].dataSync(), `gradient of ${v.name}`);
      opt.dispose();
      tf.dispose([xt, yt, ref.value, ...Object.values(ref.grads)]);
    }
    assert.equal(kernels().pendingStashes, 0);
    m.dispose();
  });

  test('its gradient matches finite differences of its own loss', () => {
    const m = new Forecaster(CONFIG, 9);
    const { x, y } = batch(3);
    const opt = new FusedOptimizer(m.variables, { name: 'sgd', lr: 0.1 });
    const flat = opt.flat();
    const km = kernels();
    forecasterDirectStep(m, x, y, B, flat);
    const grads = new Map(m.variables.map((v) => [v, km.f32(flat.grad(v), v.size).slice()]));
    const h = 1e-2;
    for (const v of m.variables) {
      const entries = [0, Math.floor(v.size / 2), v.size - 1];
      const fd = entries.map((i) => {
        const at = (delta: number) => {
          const base = km.f32(flat.param(v), v.size)[i];
          km.f32(flat.param(v), v.size)[i] = base + delta;
          const l = forecasterDirectStep(m, x, y, B, flat);
          km.f32(flat.param(v), v.size)[i] = base;
          return l;
        };
        return (at(h) - at(-h)) / (2 * h);
      });
      assertClose(entries.map((i) => grads.get(v)![i]), fd, v.name, 2e-2, 3e-4);
    }
    opt.dispose();
    m.dispose();
  });

  test('applies to one LSTM layer only', () => {
    const one = new Forecaster(CONFIG, 1), two = new Forecaster({ ...CONFIG, layers: 2 }, 1);
    assert.equal(forecasterDirectApplies(one), true);
    assert.equal(forecasterDirectApplies(two), false);
    one.dispose();
    two.dispose();
  });

  const runs: [string, Record<string, unknown>][] = [
    ["lab 11-4's full batch, Adam", { order: 'reverse', epochs: 60 }],
    ['mini-batches of 64, SGD, gradient clipping, a validation split', { order: 'reverse', epochs: 8, batchSize: 64, optimizer: 'sgd', lr: 0.05, clipNorm: 0.5, validationFraction: 0.1 }],
  ];
  for (const [label, options] of runs) {
    test(`training with the direct step gives the tfjs path's losses, forecasts and weights bit for bit: ${label}`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'rnn-lab-direct-'));
      try {
        const go = (mode: 'on' | 'off') =>
          withDirect(mode, async () => {
            const run = await runForecast(STOCK, { ...options, backend: 'wasm' });
            await run.save(path.join(dir, mode));
            run.dispose();
            const { trainSeconds: _t, ...rest } = run.result;
            return { result: rest, weights: await readFile(path.join(dir, mode, 'model.safetensors')) };
          });
        const tensors = tf.memory().numTensors;
        const on = await go('on');
        assert.equal(tf.memory().numTensors, tensors, 'no tensors left behind');
        const off = await go('off');
        assert.deepEqual(on.result, off.result);
        assert.ok(on.weights.equals(off.weights), 'the saved weights are the same bytes');
        const h = on.result.history;
        assert.ok(h[h.length - 1].loss < h[0].loss, 'it learns');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
