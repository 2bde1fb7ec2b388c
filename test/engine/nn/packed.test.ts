// A packed batch is only a faster way to run sequences side by side: it must give exactly what
// running each sequence alone gives (outputs, final states, and the gradients of the summed
// per-sequence losses), whatever path builds it (padded + lengths, packSequence with or without
// enforceSorted, packPaddedSequence).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { RNN, type RnnMode, type RnnOutput } from '../../../src/engine/nn/rnn';
import { packSequence, packPaddedSequence, padPackedSequence, padSequence, type PackedSequence } from '../../../src/engine/packing';
import { Rng } from '../../../src/engine/random';
import { assertClose } from '../../helpers/close';

const LENGTHS = [5, 1, 3, 3, 2];
const I = 3;
const H = 5;
const L = 2;

function rand(rng: Rng, shape: number[], lo = -1, hi = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.uniform(lo, hi)), shape);
}

interface Setup {
  rnn: RNN;
  lstm: boolean;
  /** One [len_b, I] tensor per sequence. */
  seqs: tf.Tensor[];
  /** Initial states [L, B, H]. */
  h0: tf.Tensor;
  c0: tf.Tensor;
  /** Loss weights for outputs [B, T, H] and final states [L, B, H]. */
  wo: tf.Tensor;
  wh: tf.Tensor;
  wc: tf.Tensor;
  dispose(): void;
}

function setup(mode: RnnMode, lengths: number[], seed: number): Setup {
  const rng = new Rng(seed);
  const B = lengths.length;
  const T = Math.max(...lengths);
  const rnn = new RNN({ mode, inputSize: I, hiddenSize: H, numLayers: L }, rng);
  const seqs = lengths.map((n) => rand(rng, [n, I], -2, 2));
  const s: Setup = {
    rnn,
    lstm: mode === 'lstm',
    seqs,
    h0: rand(rng, [L, B, H], -0.5, 0.5),
    c0: rand(rng, [L, B, H], -0.5, 0.5),
    wo: rand(rng, [B, T, H]),
    wh: rand(rng, [L, B, H]),
    wc: rand(rng, [L, B, H]),
    dispose: () => {
      rnn.dispose();
      tf.dispose([...seqs, s.h0, s.c0, s.wo, s.wh, s.wc]);
    },
  };
  return s;
}

/** Rows [b, b+1) of dimension 1 of an [L, B, H] state. */
function stateOf(t: tf.Tensor, b: number): tf.Tensor {
  return tf.slice(t, [0, b, 0], [L, 1, H]);
}

/** Σ wo⊙output + Σ wh⊙hn (+ Σ wc⊙cn) for a padded-output run of the whole batch. */
function batchLoss(s: Setup, r: RnnOutput): tf.Scalar {
  let loss = tf.add(tf.sum(tf.mul(r.output, s.wo)), tf.sum(tf.mul(r.h, s.wh)));
  if (r.c) loss = tf.add(loss, tf.sum(tf.mul(r.c, s.wc)));
  return loss as tf.Scalar;
}

/** The same loss for sequence b run alone (batch of one, its own slice of the weights and states). */
function seqLoss(s: Setup, b: number, r: RnnOutput, len: number): tf.Scalar {
  const wo = tf.slice(s.wo, [b, 0, 0], [1, len, H]);
  let loss = tf.add(tf.sum(tf.mul(r.output, wo)), tf.sum(tf.mul(r.h, stateOf(s.wh, b))));
  if (r.c) loss = tf.add(loss, tf.sum(tf.mul(r.c, stateOf(s.wc, b))));
  return loss as tf.Scalar;
}

function runAlone(s: Setup, b: number): RnnOutput {
  return tf.tidy(() => {
    const x = tf.expandDims(s.seqs[b], 0); // [1, len, I]
    const r = s.rnn.forward(x, [s.seqs[b].shape[0]], { h: stateOf(s.h0, b), c: s.lstm ? stateOf(s.c0, b) : undefined });
    return r as unknown as tf.TensorContainerObject;
  }) as unknown as RnnOutput;
}

function paramGrads(s: Setup, f: () => tf.Scalar): Map<string, Float32Array> {
  const { value, grads } = tf.variableGrads(f, s.rnn.variables);
  const out = new Map<string, Float32Array>();
  for (const [name, v] of s.rnn.params) out.set(name, grads[v.name].dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

function read(r: RnnOutput): { output: Float32Array; h: Float32Array; c: Float32Array | null } {
  const out = { output: r.output.dataSync() as Float32Array, h: r.h.dataSync() as Float32Array, c: r.c ? (r.c.dataSync() as Float32Array) : null };
  tf.dispose([r.output, r.h, r.c ?? []]);
  return out;
}

/** Outputs and states of a PackedSequence run, unpacked to batch-first padded and original order. */
function readPacked(r: RnnOutput, seq: PackedSequence): { output: Float32Array; h: Float32Array; c: Float32Array | null } {
  const { padded } = padPackedSequence({ ...seq, data: r.output }, { batchFirst: true });
  const out = { output: padded.dataSync() as Float32Array, h: r.h.dataSync() as Float32Array, c: r.c ? (r.c.dataSync() as Float32Array) : null };
  tf.dispose([padded, r.output, r.h, r.c ?? []]);
  return out;
}

function sameRun(a: ReturnType<typeof read>, e: ReturnType<typeof read>, label: string): void {
  assertClose(a.output, e.output, `${label}: output`, 1e-6, 1e-7);
  assertClose(a.h, e.h, `${label}: hn`, 1e-6, 1e-7);
  assert.equal(a.c === null, e.c === null);
  if (a.c && e.c) assertClose(a.c, e.c, `${label}: cn`, 1e-6, 1e-7);
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`packed batches vs sequences run alone (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const mode of ['lstm', 'gru'] as const) {
      test(`${mode}: lengths [${LENGTHS}] batched = each alone (outputs, states, all gradients)`, () => {
        const s = setup(mode, LENGTHS, mode === 'lstm' ? 21 : 22);
        const B = LENGTHS.length;
        const T = Math.max(...LENGTHS);
        const padded = padSequence(s.seqs, { batchFirst: true }); // [B, T, I]
        const before = tf.memory().numTensors;

        const batch = read(s.rnn.forward(padded, LENGTHS, { h: s.h0, c: s.lstm ? s.c0 : undefined }));
        for (let b = 0; b < B; b++) {
          const len = LENGTHS[b];
          const alone = read(runAlone(s, b));
          assertClose(batch.output.subarray(b * T * H, (b * T + len) * H), alone.output, `${mode} seq ${b} output`);
          for (let i = (b * T + len) * H; i < (b + 1) * T * H; i++) assert.equal(batch.output[i], 0, `seq ${b}: output past its length is 0`);
          for (let l = 0; l < L; l++) {
            assertClose(batch.h.subarray((l * B + b) * H, (l * B + b + 1) * H), alone.h.subarray(l * H, (l + 1) * H), `${mode} seq ${b} hn layer ${l}`);
            if (s.lstm) assertClose(batch.c!.subarray((l * B + b) * H, (l * B + b + 1) * H), alone.c!.subarray(l * H, (l + 1) * H), `${mode} seq ${b} cn layer ${l}`);
          }
        }

        // Parameter gradients: batch loss vs the sum of per-sequence losses.
        const gBatch = paramGrads(s, () => batchLoss(s, s.rnn.forward(padded, LENGTHS, { h: s.h0, c: s.lstm ? s.c0 : undefined })));
        const gSum = new Map<string, Float64Array>();
        for (let b = 0; b < B; b++) {
          const g = paramGrads(s, () => seqLoss(s, b, runAlone(s, b), LENGTHS[b]));
          for (const [name, v] of g) {
            const acc = gSum.get(name) ?? new Float64Array(v.length);
            for (let i = 0; i < v.length; i++) acc[i] += v[i];
            gSum.set(name, acc);
          }
        }
        for (const [name, v] of gBatch) {
          assert.ok(v.some((e) => e !== 0), `${name}: gradient is not all zero`);
          assertClose(v, gSum.get(name), `${mode} d/d${name}: batch vs Σ alone`, 1e-5, 1e-6);
        }

        // Input and initial-state gradients, sequence by sequence.
        const inputs = s.lstm ? [padded, s.h0, s.c0] : [padded, s.h0];
        const [gx, gh, gc] = tf.grads((...a: tf.Tensor[]) => batchLoss(s, s.rnn.forward(a[0], LENGTHS, { h: a[1], c: a[2] })))(inputs);
        const gxa = gx.dataSync();
        const gha = gh.dataSync();
        const gca = gc?.dataSync();
        for (let b = 0; b < B; b++) {
          const len = LENGTHS[b];
          const hb = stateOf(s.h0, b), cb = stateOf(s.c0, b);
          const x1 = tf.expandDims(s.seqs[b], 0);
          const one = s.lstm ? [x1, hb, cb] : [x1, hb];
          const g1 = tf.grads((...a: tf.Tensor[]) => seqLoss(s, b, s.rnn.forward(a[0], [len], { h: a[1], c: a[2] }), len))(one);
          assertClose(gxa.subarray(b * T * I, (b * T + len) * I), g1[0].dataSync(), `${mode} seq ${b} dx`);
          for (let i = (b * T + len) * I; i < (b + 1) * T * I; i++) assert.equal(gxa[i], 0, `seq ${b}: padding gets no gradient`);
          for (let l = 0; l < L; l++) {
            assertClose(gha.subarray((l * B + b) * H, (l * B + b + 1) * H), g1[1].dataSync().subarray(l * H, (l + 1) * H), `${mode} seq ${b} dh0 layer ${l}`);
            if (gca) assertClose(gca.subarray((l * B + b) * H, (l * B + b + 1) * H), g1[2].dataSync().subarray(l * H, (l + 1) * H), `${mode} seq ${b} dc0 layer ${l}`);
          }
          tf.dispose([x1, hb, cb, ...g1]);
        }
        tf.dispose([gx, gh, gc ?? []]);
        assert.equal(tf.memory().numTensors, before, 'no tensors leak');
        padded.dispose();
        s.dispose();
      });

      test(`${mode}: forwardPackedSequence(packSequence(…)) = forward(padded, lengths), with and without enforceSorted`, () => {
        const s = setup(mode, LENGTHS, mode === 'lstm' ? 31 : 32);
        const B = LENGTHS.length;
        const init = { h: s.h0, c: s.lstm ? s.c0 : undefined };
        const padded = padSequence(s.seqs, { batchFirst: true });
        const before = tf.memory().numTensors;
        const viaPadded = read(s.rnn.forward(padded, LENGTHS, init));

        // Unsorted lengths: packSequence sorts and records the permutation.
        const packed = packSequence(s.seqs, { enforceSorted: false });
        assert.ok(packed.sortedIndices, 'enforceSorted false records sortedIndices');
        const viaPacked = readPacked(s.rnn.forwardPackedSequence(packed, init), packed);
        sameRun(viaPacked, viaPadded, `${mode} packSequence(enforceSorted false)`);

        // packPaddedSequence gives the same PackedSequence, hence the same run.
        const packed2 = packPaddedSequence(padded, LENGTHS, { batchFirst: true, enforceSorted: false });
        sameRun(readPacked(s.rnn.forwardPackedSequence(packed2, init), packed2), viaPadded, `${mode} packPaddedSequence`);

        // Gradients through the packed path equal those through the padded path.
        const gPadded = paramGrads(s, () => batchLoss(s, s.rnn.forward(padded, LENGTHS, init)));
        const gPacked = paramGrads(s, () => {
          const r = s.rnn.forwardPackedSequence(packed, init);
          const { padded: out } = padPackedSequence({ ...packed, data: r.output }, { batchFirst: true });
          return batchLoss(s, { ...r, output: out });
        });
        for (const [name, v] of gPadded) assertClose(gPacked.get(name)!, v, `${mode} d/d${name} packed vs padded`, 1e-6, 1e-7);
        tf.dispose([packed.data, packed2.data]);

        // enforceSorted true: the caller sorts by decreasing length; no permutation is recorded.
        const order = Array.from({ length: B }, (_, i) => i).sort((a, b) => LENGTHS[b] - LENGTHS[a] || a - b);
        const sortedSeqs = order.map((b) => s.seqs[b]);
        const sortedLengths = order.map((b) => LENGTHS[b]);
        const idx = tf.tensor1d(order, 'int32');
        const sortedInit = { h: tf.gather(s.h0, idx, 1), c: s.lstm ? tf.gather(s.c0, idx, 1) : undefined };
        const sortedPacked = packSequence(sortedSeqs);
        assert.equal(sortedPacked.sortedIndices, null);
        assert.equal(sortedPacked.unsortedIndices, null);
        const viaSorted = readPacked(s.rnn.forwardPackedSequence(sortedPacked, sortedInit), sortedPacked);
        // Same sequences in sorted order: compare sequence by sequence with the unsorted run.
        const T = Math.max(...LENGTHS);
        for (let j = 0; j < B; j++) {
          const b = order[j];
          assertClose(viaSorted.output.subarray(j * T * H, (j + 1) * T * H), viaPadded.output.subarray(b * T * H, (b + 1) * T * H), `${mode} sorted seq ${j} (= ${b}) output`, 1e-6, 1e-7);
          for (let l = 0; l < L; l++) {
            assertClose(viaSorted.h.subarray((l * B + j) * H, (l * B + j + 1) * H), viaPadded.h.subarray((l * B + b) * H, (l * B + b + 1) * H), `${mode} sorted seq ${j} hn`, 1e-6, 1e-7);
            if (s.lstm) assertClose(viaSorted.c!.subarray((l * B + j) * H, (l * B + j + 1) * H), viaPadded.c!.subarray((l * B + b) * H, (l * B + b + 1) * H), `${mode} sorted seq ${j} cn`, 1e-6, 1e-7);
          }
        }
        // …and equals forward() on the sorted padded batch.
        const sortedPadded = padSequence(sortedSeqs, { batchFirst: true });
        sameRun(viaSorted, read(s.rnn.forward(sortedPadded, sortedLengths, sortedInit)), `${mode} enforceSorted true vs forward(sorted padded)`);
        tf.dispose([idx, sortedInit.h, sortedInit.c ?? [], sortedPacked.data, sortedPadded]);
        assert.equal(tf.memory().numTensors, before, 'no tensors leak');
        padded.dispose();
        s.dispose();
      });

      test(`${mode}: a PackedSequence that gives only sortedIndices is unsorted by their inverse (as PyTorch does)`, () => {
        const s = setup(mode, LENGTHS, mode === 'lstm' ? 41 : 42);
        const init = { h: s.h0, c: s.lstm ? s.c0 : undefined };
        const packed = packSequence(s.seqs, { enforceSorted: false });
        // PyTorch's PackedSequence(data, batch_sizes, sorted_indices) fills in
        // unsorted_indices = invert_permutation(sorted_indices); padPackedSequence does the same.
        const partial: PackedSequence = { ...packed, unsortedIndices: null };
        const full = readPacked(s.rnn.forwardPackedSequence(packed, init), packed);
        const r = s.rnn.forwardPackedSequence(partial, init);
        sameRun(readPacked(r, partial), full, `${mode} sortedIndices only`);
        packed.data.dispose();
        s.dispose();
      });
    }

    test('forwardPackedSequence rejects data that does not fit its batch sizes or the input size', () => {
      const rnn = new RNN({ mode: 'lstm', inputSize: I, hiddenSize: H, numLayers: 1 }, new Rng(6));
      const batchSizes = Int32Array.from([2, 2, 1]); // 5 rows
      for (const shape of [[5, I - 1], [4, I], [6, I], [5, I, 1]]) {
        const data = tf.ones(shape);
        assert.throws(() => rnn.forwardPackedSequence({ data, batchSizes, sortedIndices: null, unsortedIndices: null }), (e: Error) => e.name === 'RnnLabError', `data [${shape}]`);
        data.dispose();
      }
      rnn.dispose();
    });

    test('forward rejects lengths that do not match the batch', () => {
      const rnn = new RNN({ mode: 'gru', inputSize: I, hiddenSize: H, numLayers: 1 }, new Rng(5));
      const x = tf.zeros([3, 4, I]);
      for (const lengths of [[4, 2], [4, 2, 1, 1], [4, 5, 1]]) {
        assert.throws(() => rnn.forward(x, lengths), (e: Error) => e.name === 'RnnLabError', `lengths [${lengths}] for a batch of 3 with T = 4`);
      }
      x.dispose();
      rnn.dispose();
    });
  });
}
