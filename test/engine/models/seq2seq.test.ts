// The GRU encoder-decoder: packed batch layout worked out by hand, gradients against finite
// differences, teacher-forced loss against the step-by-step decoder fed the same tokens, attention
// weights, greedy decoding, the state dict, and no tensor leaks.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { Seq2Seq, makeBatch, type PairIds } from '../../../src/engine/models/seq2seq';
import { softmaxCrossEntropy } from '../../../src/engine/kernels/xent';
import { Vocab, EOS, SOS } from '../../../src/engine/data/vocab';
import { encodeWeights } from '../../../src/engine/persist';
import { decodeSafetensors } from '../../../src/engine/safetensors';
import { assertClose } from '../../helpers/close';

const ids = (...a: number[]) => Int32Array.from(a);
const PAIRS: PairIds[] = [
  { source: ids(4, 5), target: ids(6) },
  { source: ids(7, 8, 9), target: ids(10, 11, 12) },
  { source: ids(13), target: ids(14, 15) },
];

describe('makeBatch', () => {
  test('sorts by source length, packs ids time-major, and orders the decoder by target length', () => {
    const b = makeBatch(PAIRS);
    // source lengths + <EOS>: 3, 4, 2 → batch order [1, 0, 2]
    assert.deepEqual(Array.from(b.order), [1, 0, 2]);
    assert.deepEqual(Array.from(b.sourceLayout.batchSizes), [3, 3, 2, 1]);
    assert.deepEqual(Array.from(b.sourceLayout.sortedIndices), [0, 1, 2], 'encoder needs no permutation');
    assert.deepEqual(Array.from(b.sourceIds), [7, 4, 13, 8, 5, EOS, 9, EOS, EOS]);
    // target lengths + 1 by batch position: 4, 2, 3 → decoder order [0, 2, 1]
    assert.deepEqual(Array.from(b.targetPerm!), [0, 2, 1]);
    assert.deepEqual(Array.from(b.targetLayout.batchSizes), [3, 3, 2, 1]);
    assert.deepEqual(Array.from(b.decoderInputs), [SOS, SOS, SOS, 10, 14, 6, 11, 15, 12]);
    assert.deepEqual(Array.from(b.labels), [10, 14, 6, 11, 15, EOS, 12, EOS, EOS]);
    assert.equal(b.tokens, 9);
  });

  test('when both orders agree there is no decoder permutation', () => {
    const b = makeBatch([{ source: ids(4, 5), target: ids(6, 7) }, { source: ids(4), target: ids(6) }]);
    assert.equal(b.targetPerm, null);
  });

  test('vocabulary → ids → batch labels → words round-trips the target', () => {
    const v = Vocab.build([['나는', '배가', '고프다.']]);
    const b = makeBatch([{ source: ids(4), target: v.encode(['나는', '배가', '고프다.']) }]);
    assert.deepEqual(v.decode(b.labels), ['나는', '배가', '고프다.']);
    assert.equal(b.labels[b.labels.length - 1], EOS);
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`Seq2Seq (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('loss gradient matches finite differences (embedding, decoder output weight, GRU)', () => {
      const m = new Seq2Seq({ sourceVocab: 16, targetVocab: 16, hidden: 5, attention: 'none' }, 3);
      const batch = makeBatch(PAIRS);
      const f = () => m.loss(batch, { teacherForced: true, reduction: 'mean' });
      const { value, grads } = tf.variableGrads(f, m.variables);
      value.dispose();
      const h = 1e-2;
      const check = (v: tf.Variable, entries: number[], label: string) => {
        const base = (v.dataSync() as Float32Array).slice();
        const g = grads[v.name].dataSync();
        const fd: number[] = [];
        for (const i of entries) {
          const at = (delta: number) => {
            const p = base.slice();
            p[i] += delta;
            const t = tf.tensor(p, v.shape);
            v.assign(t);
            t.dispose();
            const l = f();
            const out = l.dataSync()[0];
            l.dispose();
            return out;
          };
          fd.push((at(h) - at(-h)) / (2 * h));
        }
        const t = tf.tensor(base, v.shape);
        v.assign(t);
        t.dispose();
        // float32 forward differences: ~1e-5 absolute noise on gradients of order 0.1
        assertClose(entries.map((i) => g[i]), fd, label, 2e-2, 3e-4);
      };
      const H = 5;
      // rows 7 (a source word) and 12 (not in the batch: zero gradient) of the source embedding
      check(m.encoderEmbedding, [7 * H, 7 * H + 3, 12 * H + 1], 'encoder.embedding.weight');
      check(m.decoderEmbedding, [SOS * H, 14 * H + 2], 'decoder.embedding.weight');
      // decoder.out weight (stored transposed [H, V]) and bias
      check(m.out.weightT, [0, 10, 3 * 16 + 12, 4 * 16 + EOS], 'decoder.out.weight');
      check(m.out.bias!, [EOS, 11], 'decoder.out.bias');
      check(m.encoder.params.get('weight_hh_l0')!, [0, 17, 40], 'encoder.gru.weight_hh_l0');
      assert.equal(grads[m.encoderEmbedding.name].dataSync()[12 * H + 1], 0);
      tf.dispose(grads);
      m.dispose();
    });

    for (const attention of ['none', 'dot', 'general'] as const) {
      test(`teacher-forced loss equals the step-by-step decoder fed the reference tokens (attention ${attention})`, () => {
        const m = new Seq2Seq({ sourceVocab: 16, targetVocab: 16, hidden: 6, attention }, 5);
        const batch = makeBatch(PAIRS);
        tf.tidy(() => m.loss(batch, { teacherForced: true, reduction: 'sum' })); // the encoder's cached zero state
        const before = tf.memory().numTensors;
        const [tfLoss, stepLoss] = tf.tidy(() => [
          m.loss(batch, { teacherForced: true, reduction: 'sum' }).dataSync()[0],
          softmaxCrossEntropy(m.stepwise(batch, 'reference'), batch.labels, 'sum').dataSync()[0],
        ]);
        assertClose([tfLoss], [stepLoss], 'sum of NLL', 1e-5, 1e-5);
        // and the gradients agree too
        const g1 = tf.variableGrads(() => m.loss(batch, { teacherForced: true, reduction: 'mean' }), m.variables);
        const g2 = tf.variableGrads(() => softmaxCrossEntropy(m.stepwise(batch, 'reference'), batch.labels, 'mean'), m.variables);
        for (const v of m.variables) assertClose(g1.grads[v.name].dataSync(), g2.grads[v.name].dataSync(), `d/d${v.name}`, 1e-4, 1e-6);
        tf.dispose([g1.value, g2.value, g1.grads, g2.grads] as unknown as tf.Tensor[]);
        assert.equal(tf.memory().numTensors, before, 'no tensors left');
        m.dispose();
      });
    }

    test('without teacher forcing the decoder feeds back its argmax and still covers every target row', () => {
      const m = new Seq2Seq({ sourceVocab: 16, targetVocab: 16, hidden: 6, attention: 'none' }, 2);
      const batch = makeBatch(PAIRS);
      const rows = tf.tidy(() => m.stepwise(batch, 'greedy').shape[0]);
      assert.equal(rows, batch.tokens);
      const { value, grads } = tf.variableGrads(() => m.loss(batch, { teacherForced: false, reduction: 'mean' }), m.variables);
      assert.ok(Number.isFinite(value.dataSync()[0]));
      tf.dispose([value, grads] as unknown as tf.Tensor[]);
      m.dispose();
    });

    test('greedy decoding: batched equals one at a time, stops at <EOS>, returns attention weights, leaks nothing', () => {
      const m = new Seq2Seq({ sourceVocab: 16, targetVocab: 16, hidden: 8, attention: 'general' }, 11);
      const sources = [ids(4, 5), ids(7, 8, 9), ids(13)];
      m.greedy(sources, 1); // the encoder's cached zero state
      const before = tf.memory().numTensors;
      const all = m.greedy(sources, 6);
      assert.equal(tf.memory().numTensors, before, 'no tensors left');
      sources.forEach((s, i) => {
        const one = m.greedy([s], 6);
        assert.deepEqual(Array.from(one.ids[0]), Array.from(all.ids[i]), `sentence ${i}`);
        assert.ok(!Array.from(all.ids[i]).includes(EOS));
        assert.ok(all.ids[i].length <= 6);
        const att = all.attention![i];
        assert.equal(att.length, all.endedWithEos[i] ? all.ids[i].length + 1 : all.ids[i].length);
        for (const row of att) {
          assert.equal(row.length, s.length + 1, 'one weight per source token incl. <EOS>');
          assertClose([row.reduce((a, b) => a + b, 0)], [1], 'weights sum to 1', 1e-5);
        }
      });
      m.dispose();
    });

    test('state dict: PyTorch names and shapes; loading it into a fresh model gives the same translations', () => {
      const m = new Seq2Seq({ sourceVocab: 16, targetVocab: 12, hidden: 4, attention: 'general' }, 1);
      const sd = m.stateDict();
      assert.deepEqual(sd['decoder.out.weight'].shape, [12, 4]);
      assert.deepEqual(sd['encoder.embedding.weight'].shape, [16, 4]);
      assert.deepEqual(sd['encoder.gru.weight_ih_l0'].shape, [12, 4]);
      assert.deepEqual(sd['decoder.concat.weight'].shape, [4, 8]);
      assert.ok('decoder.attn.weight' in sd && !('decoder.attn.bias' in sd));
      // decoder.out.weight is PyTorch's [V, H]: row j is the weights of word j
      const wt = m.out.weightT.dataSync();
      assert.equal(sd['decoder.out.weight'].data[3 * 4 + 2], wt[2 * 12 + 3]);
      // Through the weights file, as a save and a load do.
      const m2 = new Seq2Seq({ sourceVocab: 16, targetVocab: 12, hidden: 4, attention: 'general' }, 99);
      m2.loadStateDict(decodeSafetensors(encodeWeights(sd), 'model.safetensors').tensors);
      const src = [ids(4, 5, 6), ids(9)];
      assert.deepEqual(m2.greedy(src, 5).ids.map((a) => Array.from(a)), m.greedy(src, 5).ids.map((a) => Array.from(a)));
      m.variables.forEach((v, i) => assert.deepEqual(Array.from(m2.variables[i].dataSync()), Array.from(v.dataSync())));
      assert.throws(() => m2.loadStateDict({ ...sd, 'decoder.out.bias': { shape: [3], data: [0, 0, 0] } }), /decoder.out.bias/);
      assert.throws(() => m2.loadStateDict({ ...sd, 'decoder.out.bias': { shape: [12], data: new Float32Array(12).fill(NaN) } }), /decoder.out.bias: expected 12 finite numbers/);
      m.dispose();
      m2.dispose();
    });
  });
}
