// The trainer with direct steps, whose updates reach the tf.Variables only when something can read
// them (FusedOptimizer.update(…, false) and writeBack): a tfjs step after direct ones, a yield to
// the event loop, validation, metrics and samples, and the end all see every update so far.
// Hand-computable: loss = w, so every step's gradient is 1 and SGD at lr 0.5 takes w down by 0.5.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { kernels } from '../../../src/engine/kernels/wasm';
import { train, type TrainTask } from '../../../src/engine/train/trainer';
import { FusedOptimizer } from '../../../src/engine/train/optimizers';

/** w after `steps` steps. */
const after = (steps: number) => (steps === 0 ? 0 : -0.5 * steps);

/**
 * loss = w, `batches` batches an epoch. Its direct step writes the gradient 1 and returns
 * `direct(batch, w as the flat block has it)`: that w as the loss, or null for the tfjs path.
 */
function lossIsW(w: tf.Variable, batches: number, more: Partial<TrainTask<number, number>> = {}, direct = (_batch: number, now: number): number | null => now): TrainTask<number, number> {
  return {
    variables: [w],
    epochBatches: () => Array.from({ length: batches }, (_, i) => i),
    batchesPerEpoch: batches,
    trainExamples: batches,
    validationExamples: 0,
    sizeOf: () => 1,
    loss: () => tf.mul(w, 1) as tf.Scalar,
    directStep: (batch, flat) => {
      const km = kernels();
      km.f32(flat.grad(w), 1)[0] = 1;
      return direct(batch, km.f32(flat.param(w), 1)[0]);
    },
    ...more,
  };
}

describe('trainer with direct steps', () => {
  before(async () => {
    await initBackend('wasm');
  });

  for (const withValidation of [true, false]) {
    test(`every reader of the model sees every update: tfjs steps between direct ones, a yield, ${withValidation ? 'validation, ' : ''}metrics, samples, the end`, async () => {
      const w = tf.variable(tf.scalar(0));
      let step = 0;
      const slowStep = 4; // this step takes longer than the trainer's yield interval
      // Three batches an epoch; the middle one takes the tfjs path.
      const task = lossIsW(
        w,
        3,
        {
          validationExamples: withValidation ? 1 : 0,
          ...(withValidation ? { validationLoss: () => w.dataSync()[0] } : {}),
          evaluate: () => ({ w: w.dataSync()[0] }),
          samples: () => [w.dataSync()[0]],
        },
        (batch, now) => {
          if (batch === 1) return null;
          if (step + 1 === slowStep) {
            const until = performance.now() + 80;
            while (performance.now() < until);
          }
          return now;
        },
      );
      const losses: number[] = [];
      const valLosses: (number | null)[] = [];
      const metrics: number[] = [];
      const samples: number[] = [];
      const atYield: { step: number; w: number }[] = [];
      const epochSteps: number[] = [];
      await train(task, { epochs: 4, optimizer: { name: 'sgd', lr: 0.5 }, sampleEvery: 1, backend: 'wasm' }, {
        onEvent: (ev) => {
          if (ev.type === 'batchEnd') {
            step = ev.step;
            losses.push(ev.loss);
            const at = ev.step;
            setImmediate(() => atYield.push({ step: at, w: w.dataSync()[0] }));
          }
          if (ev.type === 'epochEnd') {
            valLosses.push(ev.valLoss);
            epochSteps.push(ev.step);
          }
          if (ev.type === 'metrics') metrics.push(ev.values.w);
          if (ev.type === 'samples') samples.push(ev.samples[0]);
        },
      });
      await new Promise((r) => setImmediate(r)); // the last steps' reads, before w goes
      // Each step's loss is w before it, on both paths (a tfjs step reads the variable).
      assert.deepEqual(losses, Array.from({ length: 12 }, (_, i) => after(i)));
      assert.deepEqual(valLosses, withValidation ? [after(3), after(6), after(9), after(12)] : [null, null, null, null]);
      assert.deepEqual(metrics, [after(3), after(6), after(9), after(12)]);
      assert.deepEqual(epochSteps, [3, 6, 9, 12], "an epoch's end names its last batch's step");
      assert.deepEqual(samples, [after(3), after(6), after(9), after(12)]);
      // The slow step outlasts the yield interval, so the trainer yields right after it: the read
      // scheduled at that step runs then and sees w after it (the variables were last written at
      // the end of epoch 1, step 3, before that).
      const atSlow = atYield.find((r) => r.step === slowStep);
      assert.equal(atSlow?.w, after(slowStep), JSON.stringify(atYield));
      assert.equal(w.dataSync()[0], after(12), 'the end');
      w.dispose();
    });
  }

  test('a run that fails mid-epoch leaves the variables at its last update', async () => {
    const w = tf.variable(tf.scalar(0));
    const task = lossIsW(w, 4, {}, (batch, now) => (batch === 2 ? NaN : now));
    await assert.rejects(() => train(task, { epochs: 1, optimizer: { name: 'sgd', lr: 0.5 }, backend: 'wasm' }), /NaN/);
    assert.equal(w.dataSync()[0], after(2), 'two steps applied, the NaN one not');
    w.dispose();
  });

  test('early stopping with direct steps ends on the best epoch’s weights', async () => {
    const w = tf.variable(tf.scalar(0));
    // Best at w = −1 (after epoch 2); epoch 3 is worse and patience 1 stops there.
    const task = lossIsW(w, 1, { validationExamples: 1, validationLoss: () => Math.abs(w.dataSync()[0] + 1) });
    const summary = await train(task, { epochs: 10, optimizer: { name: 'sgd', lr: 0.5 }, patience: 1, backend: 'wasm' });
    assert.equal(summary.stoppedEarly, true);
    assert.equal(summary.epochs, 3);
    assert.equal(w.dataSync()[0], -1);
    w.dispose();
  });
});

describe('FusedOptimizer: deferred write-back', () => {
  test('update(…, false) leaves the variable behind until writeBack; sync refuses to read it stale', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = new FusedOptimizer([w], { name: 'sgd', lr: 0.5 });
    try {
      const flat = opt.flat();
      kernels().f32(flat.grad(w), 2).set([1, -1]);
      opt.update(0, false);
      assert.deepEqual(Array.from(w.dataSync()), [1, 2], 'not written yet');
      assert.deepEqual(Array.from(kernels().f32(flat.param(w), 2)), [0.5, 2.5], 'the flat block has the update');
      assert.throws(() => opt.sync(), /writeBack/);
      opt.writeBack();
      assert.deepEqual(Array.from(w.dataSync()), [0.5, 2.5]);
      opt.sync(); // current again: allowed
      opt.update(0);
      assert.deepEqual(Array.from(w.dataSync()), [0, 3], 'update() writes back by default');
    } finally {
      opt.dispose();
      w.dispose();
    }
  });
});

