// The direct training step (models/seq2seqStep.ts) against the tfjs path it stands in for: the
// same loss and the same gradient of every variable, bit for bit (the same kernels on the same
// operands in the same order); its gradient against finite differences; whole training runs with
// RNN_LAB_DIRECT_STEP=off and on giving the same losses and weights; and the seq2seq and forecast
// flows' tests run again in a child on the tfjs path.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { Seq2Seq, makeBatch, type PairIds, type Seq2SeqBatch } from '../../../src/engine/models/seq2seq';
import { directStep, directStepApplies } from '../../../src/engine/models/seq2seqStep';
import { FusedOptimizer } from '../../../src/engine/train/optimizers';
import { kernels } from '../../../src/engine/kernels/wasm';
import { runSeq2Seq, sumGradientPerTokenValue } from '../../../src/engine/seq2seq/run';
import { assertClose } from '../../helpers/close';
import { withEnv } from '../../helpers/env';

const COURSE = path.join(__dirname, '..', 'seq2seq', 'files', 'course.txt');
const ids = (...a: number[]) => Int32Array.from(a);
const PAIRS: PairIds[] = [
  { source: ids(4, 5), target: ids(6) },
  { source: ids(7, 8, 9), target: ids(10, 11, 12) },
  { source: ids(13), target: ids(14, 15) },
];
const V = 16;

/** The direct step's loss and gradients, copied out of kernel memory by variable name. */
function direct(m: Seq2Seq, batch: Seq2SeqBatch, loss: 'mean' | 'sumPerToken'): { value: number; grads: Map<string, Float32Array> } {
  const opt = new FusedOptimizer(m.variables, { name: 'sgd', lr: 0.1 });
  try {
    const flat = opt.flat();
    const value = directStep(m, batch, flat, loss);
    const km = kernels();
    return { value, grads: new Map(m.variables.map((v) => [v.name, km.f32(flat.grad(v), v.size).slice()])) };
  } finally {
    opt.dispose();
  }
}

/** With RNN_LAB_DIRECT_STEP set to `mode` for the call. */
const withDirect = <T>(mode: 'on' | 'off', f: () => Promise<T>): Promise<T> => withEnv('RNN_LAB_DIRECT_STEP', mode, f);

describe('direct seq2seq training step', () => {
  before(async () => {
    await initBackend('wasm');
  });

  const batches: [string, Seq2SeqBatch][] = [
    ['three pairs, decoder order ≠ encoder order', makeBatch(PAIRS)],
    ['two pairs in the same order', makeBatch([PAIRS[1], PAIRS[0]])],
    ['one pair (the course)', makeBatch([PAIRS[1]])],
  ];
  for (const [label, batch] of batches) {
    test(`loss and every gradient equal the tfjs path's bit for bit: ${label}`, () => {
      if (label.startsWith('three')) assert.ok(batch.targetPerm, 'this batch exercises the permutation');
      const m = new Seq2Seq({ sourceVocab: V, targetVocab: V, hidden: 5, attention: 'none' }, 11);
      for (const loss of ['mean', 'sumPerToken'] as const) {
        // The tfjs path as seq2seq/run.ts trains: the mean, or the course's sum reported per token.
        const f = () => (loss === 'mean' ? m.loss(batch, { teacherForced: true, reduction: 'mean' }) : sumGradientPerTokenValue(m.loss(batch, { teacherForced: true, reduction: 'sum' }), batch.tokens));
        const ref = tf.variableGrads(f, m.variables);
        const d = direct(m, batch, loss);
        assert.equal(d.value, ref.value.dataSync()[0], `${loss} loss`);
        for (const v of m.variables) assert.deepEqual(d.grads.get(v.name), ref.grads[v.name].dataSync(), `${loss}: gradient of ${v.name}`);
        tf.dispose([ref.value, ...Object.values(ref.grads)]);
      }
      assert.equal(kernels().pendingStashes, 0);
      m.dispose();
    });
  }

  test("the course's loss backpropagates the sum, as lab 11-5's loss.backward() does: the gradients of the sum itself, on both paths", () => {
    const m = new Seq2Seq({ sourceVocab: V, targetVocab: V, hidden: 5, attention: 'none' }, 5);
    const batch = makeBatch([PAIRS[1]]);
    assert.ok(batch.tokens > 1, 'a target of several tokens, where dividing or multiplying by them would show');
    const sum = tf.variableGrads(() => m.loss(batch, { teacherForced: true, reduction: 'sum' }), m.variables);
    const course = tf.variableGrads(() => sumGradientPerTokenValue(m.loss(batch, { teacherForced: true, reduction: 'sum' }), batch.tokens), m.variables);
    assert.equal(course.value.dataSync()[0], Math.fround(sum.value.dataSync()[0] / batch.tokens), 'reported per token');
    const d = direct(m, batch, 'sumPerToken');
    for (const v of m.variables) {
      assert.deepEqual(course.grads[v.name].dataSync(), sum.grads[v.name].dataSync(), `tfjs path: gradient of ${v.name}`);
      assert.deepEqual(d.grads.get(v.name), sum.grads[v.name].dataSync(), `direct step: gradient of ${v.name}`);
    }
    tf.dispose([sum.value, course.value, ...Object.values(sum.grads), ...Object.values(course.grads)]);
    m.dispose();
  });

  test('its gradient matches finite differences of its own loss', () => {
    const m = new Seq2Seq({ sourceVocab: V, targetVocab: V, hidden: 5, attention: 'none' }, 3);
    const batch = makeBatch(PAIRS);
    const opt = new FusedOptimizer(m.variables, { name: 'sgd', lr: 0.1 });
    const flat = opt.flat();
    const km = kernels();
    directStep(m, batch, flat, 'mean');
    const grads = new Map(m.variables.map((v) => [v, km.f32(flat.grad(v), v.size).slice()]));
    const h = 1e-2;
    const check = (v: tf.Variable, entries: number[], label: string) => {
      const fd = entries.map((i) => {
        const at = (delta: number) => {
          const p = km.f32(flat.param(v), v.size);
          const base = p[i];
          p[i] = base + delta;
          const l = directStep(m, batch, flat, 'mean');
          km.f32(flat.param(v), v.size)[i] = base;
          return l;
        };
        return (at(h) - at(-h)) / (2 * h);
      });
      // float32 central differences: ~1e-5 absolute noise on gradients of order 0.1
      assertClose(entries.map((i) => grads.get(v)![i]), fd, label, 2e-2, 3e-4);
    };
    const H = 5;
    check(m.encoderEmbedding, [7 * H, 7 * H + 3, 12 * H + 1], 'encoder.embedding.weight');
    check(m.decoderEmbedding, [1 * H, 14 * H + 2], 'decoder.embedding.weight');
    check(m.out.weightT, [0, 10, 3 * V + 12, 4 * V + 2], 'decoder.out.weight');
    check(m.out.bias!, [2, 11], 'decoder.out.bias');
    for (const name of ['weight_ih_l0', 'weight_hh_l0', 'bias_hh_l0']) {
      check(m.encoder.params.get(name)!, [0, 7, 13], `encoder.gru.${name}`);
      check(m.decoder.params.get(name)!, [1, 8, 14], `decoder.gru.${name}`);
    }
    assert.equal(grads.get(m.encoderEmbedding)![12 * H + 1], 0, 'a word not in the batch gets no gradient');
    opt.dispose();
    m.dispose();
  });

  test('applies to models without attention only', () => {
    const plain = new Seq2Seq({ sourceVocab: V, targetVocab: V, hidden: 4, attention: 'none' }, 1);
    const attn = new Seq2Seq({ sourceVocab: V, targetVocab: V, hidden: 4, attention: 'dot' }, 1);
    assert.equal(directStepApplies(plain), true);
    assert.equal(directStepApplies(attn), false);
    plain.dispose();
    attn.dispose();
  });

  const runs: [string, Record<string, unknown>][] = [
    ["the course's batch-1 SGD, teacher forcing 1", { iterations: 2000, seed: 5 }],
    ['teacher forcing 0.5: direct and tfjs steps mixed', { iterations: 2000, seed: 5, teacherForcing: 0.5 }],
    ['batches of 3, Adam, mean loss, gradient clipping', { batchSize: 3, epochs: 40, optimizer: 'adam', lr: 0.01, clipNorm: 1, seed: 2 }],
  ];
  for (const [label, options] of runs) {
    test(`training with the direct step gives the tfjs path's losses and weights bit for bit: ${label}`, async () => {
      const go = (mode: 'on' | 'off') =>
        withDirect(mode, async () => {
          const run = await runSeq2Seq(COURSE, options);
          const out = { history: run.result.history, finalLoss: run.result.finalLoss, weights: run.translator.model.stateDict() };
          run.dispose();
          return out;
        });
      const tensors = tf.memory().numTensors;
      const on = await go('on');
      assert.equal(tf.memory().numTensors, tensors, 'no tensors left behind');
      const off = await go('off');
      assert.deepEqual(on.history, off.history);
      assert.equal(on.finalLoss, off.finalLoss);
      assert.deepEqual(on.weights, off.weights);
      assert.ok(on.history[on.history.length - 1].loss < on.history[0].loss, 'it learns');
      // A second direct run with the same seed: the same bits.
      assert.deepEqual((await go('on')).weights, on.weights);
    });
  }

  if (process.env.RNN_LAB_DIRECT_STEP !== 'off') {
    test("with RNN_LAB_DIRECT_STEP=off the seq2seq and forecast flows' tests pass on the tfjs path", () => {
      const files = ['test/engine/seq2seq/run.test.ts', 'test/engine/models/seq2seq.test.ts', 'test/engine/forecast/run.test.ts'];
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], {
        encoding: 'utf8',
        // Without NODE_TEST_CONTEXT the child reports on its own stdout, not into this test run.
        env: { ...process.env, NODE_TEST_CONTEXT: undefined, RNN_LAB_DIRECT_STEP: 'off' },
        maxBuffer: 64 << 20,
      });
      const pass = Number(/^# pass (\d+)$/m.exec(r.stdout)?.[1]);
      const fail = Number(/^# fail (\d+)$/m.exec(r.stdout)?.[1]);
      assert.equal(r.status, 0, `child failed:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
      assert.equal(fail, 0);
      assert.ok(pass >= 40, `the child ran ${pass} tests`);
      assert.match(r.stdout, /ok \d+ - the course's settings translate all four pairs exactly/);
    });
  }
});
