// Greedy decoding on kernel memory (models/seq2seqGreedy.ts) against the tfjs path it stands in
// for: the same words and the same <EOS> endings for every sentence, on models whose outputs end
// early, late and never, batched and one at a time, at the course's size and at one where the
// output layer's product runs on the native GEMM; no tensors and no kernel memory left behind.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { Seq2Seq, type GreedyResult } from '../../../src/engine/models/seq2seq';
import { kernels } from '../../../src/engine/kernels/wasm';
import { nativeGemm } from '../../../src/engine/kernels/native';
import { nativeThreads } from '../../../src/engine/kernels/parallel';
import { Rng } from '../../../src/engine/random';
import { EOS } from '../../../src/engine/data/vocab';

const words = (r: GreedyResult) => r.ids.map((a) => Array.from(a));

function randomSources(rng: Rng, count: number, vocab: number, maxLen: number): Int32Array[] {
  return Array.from({ length: count }, () => Int32Array.from({ length: 1 + rng.int(maxLen) }, () => 2 + rng.int(vocab - 2)));
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`greedy decoding on kernel memory (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('the same words and endings as the tfjs path: models that stop early, late or never', () => {
      let ended = 0;
      let cut = 0;
      for (const [seed, targetVocab, hidden] of [
        [1, 4, 5],
        [2, 5, 16],
        [3, 13, 16],
        [4, 40, 8],
        [5, 6, 3],
      ] as const) {
        const m = new Seq2Seq({ sourceVocab: 17, targetVocab, hidden, attention: 'none' }, seed);
        const sources = randomSources(new Rng(seed), 9, 17, 8);
        const kernelPath = m.greedy(sources, 12);
        const reference = m.greedy(sources, 12, 'tfjs');
        assert.deepEqual(words(kernelPath), words(reference), `seed ${seed}: the words`);
        assert.deepEqual(kernelPath.endedWithEos, reference.endedWithEos, `seed ${seed}: the endings`);
        assert.equal(kernelPath.attention, undefined);
        sources.forEach((s, i) => assert.deepEqual(words(m.greedy([s], 12)), [words(reference)[i]], `seed ${seed}, sentence ${i} alone`));
        for (const r of words(kernelPath)) assert.ok(!r.includes(EOS) && r.length <= 12);
        ended += kernelPath.endedWithEos.filter((e, i) => e && kernelPath.ids[i].length > 0).length;
        cut += kernelPath.endedWithEos.filter((e) => !e).length;
        m.dispose();
      }
      assert.ok(ended > 0, 'some sentences end at <EOS> after a few words');
      assert.ok(cut > 0, 'some run to the decoding limit');
    });

    test('at a size where the output layer runs on the native GEMM: the same words', () => {
      // 64 sentences × hidden 64 × 1,100 words: 4.5 M multiply-adds a step, past the native threshold.
      assert.ok(nativeGemm(), 'onnxruntime is loaded');
      assert.equal(nativeThreads(64, 64, 1100, false, 2), 1, 'the output layer goes native');
      const m = new Seq2Seq({ sourceVocab: 300, targetVocab: 1100, hidden: 64, attention: 'none' }, 7);
      const sources = randomSources(new Rng(7), 64, 300, 10);
      assert.deepEqual(words(m.greedy(sources, 6)), words(m.greedy(sources, 6, 'tfjs')));
      m.dispose();
    });

    test('leaves no tensors and no kernel memory behind', () => {
      const m = new Seq2Seq({ sourceVocab: 10, targetVocab: 8, hidden: 4, attention: 'none' }, 3);
      const sources = [Int32Array.of(4, 5), Int32Array.of(6)];
      m.greedy(sources, 3);
      const tensors = tf.memory().numTensors;
      const km = kernels();
      const probe = km.allocBlock(1);
      km.releaseBlock(probe);
      const reserved = km.bytesReserved;
      m.greedy(sources, 5);
      assert.equal(tf.memory().numTensors, tensors);
      assert.equal(km.bytesReserved, reserved);
      const again = km.allocBlock(1);
      assert.equal(again.ptr, probe.ptr, 'the weights block was released');
      km.releaseBlock(again);
      m.dispose();
    });
  });
}
