// LSTM and GRU layers against PyTorch 1.13 (fixtures from test/fixtures/make_fixtures.py, float64
// ground truth): outputs, final states and the gradient of every input and parameter.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { RNN } from '../../../src/engine/nn/rnn';
import { Rng } from '../../../src/engine/random';
import { assertClose, flat } from '../../helpers/close';

interface Case {
  name: string;
  mode: 'lstm' | 'gru';
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  lengths: number[];
  x: number[][][];
  h0: number[][][] | null;
  c0: number[][][] | null;
  params: Record<string, number[]>;
  output: number[][][];
  hn: number[][][];
  cn: number[][][] | null;
  lossWeights: { output: number[][][]; hn: number[][][]; cn: number[][][] | null };
  grads: Record<string, unknown>;
}

const cases: Case[] = JSON.parse(readFileSync(join(__dirname, '../../fixtures/rnn.json'), 'utf8')).cases;

function build(c: Case): RNN {
  const rnn = new RNN({ mode: c.mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers }, new Rng(1));
  for (const [name, v] of rnn.params) v.assign(tf.tensor(flat(c.params[name]), v.shape));
  return rnn;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`RNN vs PyTorch fixtures (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const c of cases) {
      test(`${c.name}: forward and gradients`, () => {
        const rnn = build(c);
        const B = c.lengths.length;
        const T = Math.max(...c.lengths);
        const L = c.numLayers;
        const H = c.hiddenSize;
        const x = tf.tensor(flat(c.x), [B, T, c.inputSize]);
        const h0 = c.h0 ? tf.tensor(flat(c.h0), [L, B, H]) : tf.zeros([L, B, H]);
        const c0 = c.c0 ? tf.tensor(flat(c.c0), [L, B, H]) : tf.zeros([L, B, H]);
        const wo = tf.tensor(flat(c.lossWeights.output), [B, T, H]);
        const wh = tf.tensor(flat(c.lossWeights.hn), [L, B, H]);
        const wc = c.lossWeights.cn ? tf.tensor(flat(c.lossWeights.cn), [L, B, H]) : null;
        const before = tf.memory().numTensors;

        const out = rnn.forward(x, c.lengths, { h: h0, c: c.mode === 'lstm' ? c0 : undefined });
        assertClose(out.output.dataSync(), c.output, `${c.name} output`);
        assertClose(out.h.dataSync(), c.hn, `${c.name} hn`);
        if (c.mode === 'lstm') assertClose(out.c!.dataSync(), c.cn, `${c.name} cn`);
        tf.dispose([out.output, out.h, out.c ?? []]);

        const loss = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor) => {
          const r = rnn.forward(xx, c.lengths, { h: hh, c: c.mode === 'lstm' ? cc : undefined });
          let s = tf.add(tf.sum(tf.mul(r.output, wo)), tf.sum(tf.mul(r.h, wh)));
          if (r.c && wc) s = tf.add(s, tf.sum(tf.mul(r.c, wc)));
          return s as tf.Scalar;
        };
        const inputs = c.mode === 'lstm' ? [x, h0, c0] : [x, h0];
        const [gx, gh, gc] = tf.grads((...a: tf.Tensor[]) => loss(a[0], a[1], a[2] ?? c0))(inputs);
        assertClose(gx.dataSync(), c.grads.x, `${c.name} d/dx`);
        // PyTorch has no gradient for an initial state it made itself (h0 omitted): check ours only when given.
        if (c.h0) assertClose(gh.dataSync(), c.grads.h0, `${c.name} d/dh0`);
        if (c.mode === 'lstm' && c.c0) assertClose(gc.dataSync(), c.grads.c0, `${c.name} d/dc0`);
        const { value, grads } = tf.variableGrads(() => loss(x, h0, c0), rnn.variables);
        for (const [name, v] of rnn.params) {
          assertClose(grads[v.name].dataSync(), c.grads[name], `${c.name} d/d${name}`);
        }
        tf.dispose([gx, gh, gc ?? [], value, ...Object.values(grads)]);
        assert.equal(tf.memory().numTensors, before, 'no tensors leak through forward and backward');
        rnn.dispose();
        tf.dispose([x, h0, c0, wo, wh, wc ?? []]);
      });
    }
  });
}
