// The fused LSTM and GRU layers against an independent float64 reference written here from
// PyTorch's equations: the kernels' forward must equal the reference's, and every analytic
// gradient (x, h0, c0 and each parameter tensor) must equal central finite differences of the
// reference in double precision. Two layers, unsorted variable lengths, nonzero initial states.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { RNN, type RnnMode } from '../../../src/engine/nn/rnn';
import { packLayout, paddedRowsForPacked } from '../../../src/engine/packing';
import { Rng } from '../../../src/engine/random';
import { assertClose } from '../../helpers/close';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface Problem {
  mode: RnnMode;
  I: number;
  H: number;
  L: number;
  lengths: number[];
  T: number;
  B: number;
  /** Everything the loss depends on, float32-representable values held as doubles. */
  tensors: Record<string, { shape: number[]; data: Float64Array }>;
  /** Fixed loss weights for output [B,T,H], hn [L,B,H], cn [L,B,H]. */
  wo: Float64Array;
  wh: Float64Array;
  wc: Float64Array;
  /** Loss on the top layer's final hidden state only (first B·H entries of wh). */
  lastOnly?: boolean;
}

/** y[r] = b[r] + Σ_k W[r,k]·v[k] for rows r in [r0, r0+n) of W [rows, K]. */
function affine(W: Float64Array, K: number, v: ArrayLike<number>, b: Float64Array, r0: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = b[r0 + r];
    for (let k = 0; k < K; k++) s += W[(r0 + r) * K + k] * v[k];
    out[r] = s;
  }
  return out;
}

/**
 * Plain per-sequence, per-step forward in float64 (PyTorch 1.13's nn.LSTM / nn.GRU docs):
 *   LSTM  i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(…), g = tanh(…), o = σ(…)
 *         c' = f⊙c + i⊙g,  h' = o⊙tanh(c')
 *   GRU   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(…)
 *         n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),  h' = (1−z)⊙n + z⊙h
 * Sequence b runs lengths[b] steps; layer l reads layer l−1's outputs; outputs are zero past
 * each length; final states are taken at each sequence's last step.
 */
function reference(p: Problem, t: Problem['tensors']): { output: Float64Array; hn: Float64Array; cn: Float64Array } {
  const { mode, I, H, L, B, T, lengths } = p;
  const output = new Float64Array(B * T * H);
  const hn = new Float64Array(L * B * H);
  const cn = new Float64Array(L * B * H);
  const x = t.x.data;
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    let seq: Float64Array[] = [];
    for (let s = 0; s < len; s++) seq.push(x.slice((b * T + s) * I, (b * T + s + 1) * I));
    for (let l = 0; l < L; l++) {
      const K = l === 0 ? I : H;
      const wih = t[`weight_ih_l${l}`].data, whh = t[`weight_hh_l${l}`].data;
      const bih = t[`bias_ih_l${l}`].data, bhh = t[`bias_hh_l${l}`].data;
      let h = t.h0.data.slice((l * B + b) * H, (l * B + b + 1) * H);
      let c = mode === 'lstm' ? t.c0.data.slice((l * B + b) * H, (l * B + b + 1) * H) : new Float64Array(H);
      const next: Float64Array[] = [];
      for (let s = 0; s < len; s++) {
        const hNew = new Float64Array(H);
        if (mode === 'lstm') {
          const gi = affine(wih, K, seq[s], bih, 0, 4 * H);
          const gh = affine(whh, H, h, bhh, 0, 4 * H);
          const cNew = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            const i = sigmoid(gi[j] + gh[j]);
            const f = sigmoid(gi[H + j] + gh[H + j]);
            const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
            const o = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
            cNew[j] = f * c[j] + i * g;
            hNew[j] = o * Math.tanh(cNew[j]);
          }
          c = cNew;
        } else {
          const gi = affine(wih, K, seq[s], bih, 0, 3 * H);
          const gh = affine(whh, H, h, bhh, 0, 3 * H);
          for (let j = 0; j < H; j++) {
            const r = sigmoid(gi[j] + gh[j]);
            const z = sigmoid(gi[H + j] + gh[H + j]);
            const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
            hNew[j] = (1 - z) * n + z * h[j];
          }
        }
        h = hNew;
        next.push(hNew);
      }
      hn.set(h, (l * B + b) * H);
      if (mode === 'lstm') cn.set(c, (l * B + b) * H);
      seq = next;
    }
    for (let s = 0; s < len; s++) output.set(seq[s], (b * T + s) * H);
  }
  return { output, hn, cn };
}

function refLoss(p: Problem, t: Problem['tensors']): number {
  const r = reference(p, t);
  let s = 0;
  if (p.lastOnly) {
    // Σ w ⊙ (top layer's final h): what a many-to-one model (returnSequences false) sees.
    const top = (p.L - 1) * p.B * p.H;
    for (let i = 0; i < p.B * p.H; i++) s += p.wh[i] * r.hn[top + i];
    return s;
  }
  for (let i = 0; i < r.output.length; i++) s += p.wo[i] * r.output[i];
  for (let i = 0; i < r.hn.length; i++) s += p.wh[i] * r.hn[i];
  if (p.mode === 'lstm') for (let i = 0; i < r.cn.length; i++) s += p.wc[i] * r.cn[i];
  return s;
}

/** Central differences of the reference loss w.r.t. every entry of tensor `name` (float64, step 1e-6). */
function finiteDifferences(p: Problem, name: string, step = 1e-6): Float64Array {
  const d = p.tensors[name].data;
  const g = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    d[i] = v + step;
    const up = refLoss(p, p.tensors);
    d[i] = v - step;
    const down = refLoss(p, p.tensors);
    d[i] = v;
    g[i] = (up - down) / (2 * step);
  }
  return g;
}

/** Random values rounded to float32, so the kernel and the reference see the same numbers. */
function f32(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from(Float32Array.from({ length: n }, () => rng.uniform(lo, hi)));
}

function makeProblem(mode: RnnMode, I: number, H: number, lengths: number[], seed: number, L = 2): Problem {
  const rng = new Rng(seed);
  const B = lengths.length;
  const T = Math.max(...lengths);
  const G = (mode === 'lstm' ? 4 : 3) * H;
  const tensors: Problem['tensors'] = {};
  const x = f32(rng, B * T * I, -1.5, 1.5);
  // Padding positions hold garbage: they must have no effect on anything.
  tensors.x = { shape: [B, T, I], data: x };
  tensors.h0 = { shape: [L, B, H], data: f32(rng, L * B * H, -0.8, 0.8) };
  tensors.c0 = { shape: [L, B, H], data: f32(rng, L * B * H, -1.2, 1.2) };
  for (let l = 0; l < L; l++) {
    // Weights larger than PyTorch's init, so the gates leave their linear range.
    tensors[`weight_ih_l${l}`] = { shape: [G, l === 0 ? I : H], data: f32(rng, G * (l === 0 ? I : H), -0.9, 0.9) };
    tensors[`weight_hh_l${l}`] = { shape: [G, H], data: f32(rng, G * H, -0.9, 0.9) };
    tensors[`bias_ih_l${l}`] = { shape: [G], data: f32(rng, G, -0.5, 0.5) };
    tensors[`bias_hh_l${l}`] = { shape: [G], data: f32(rng, G, -0.5, 0.5) };
  }
  return {
    mode, I, H, L, lengths, T, B, tensors,
    wo: f32(rng, B * T * H, -1, 1),
    wh: f32(rng, L * B * H, -1, 1),
    wc: f32(rng, L * B * H, -1, 1),
  };
}

const PARAM_NAMES = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1'];

// H = 6: the kernels' 4-wide SIMD loops and their scalar tails both run. H = 4: no tail.
const CASES: { mode: RnnMode; I: number; H: number; lengths: number[]; seed: number }[] = [
  { mode: 'lstm', I: 3, H: 6, lengths: [4, 1, 6, 3, 6], seed: 11 },
  { mode: 'gru', I: 3, H: 6, lengths: [4, 1, 6, 3, 6], seed: 12 },
  { mode: 'lstm', I: 2, H: 4, lengths: [2, 5, 5, 3], seed: 13 },
  { mode: 'gru', I: 5, H: 4, lengths: [2, 5, 5, 3], seed: 14 },
];

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`RNN gradients vs float64 finite differences (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const c of CASES) {
      test(`${c.mode} I=${c.I} H=${c.H}, 2 layers, lengths [${c.lengths}], h0${c.mode === 'lstm' ? '/c0' : ''} nonzero`, () => {
        const p = makeProblem(c.mode, c.I, c.H, c.lengths, c.seed);
        const { B, T, L, H, I } = p;
        const rnn = new RNN({ mode: c.mode, inputSize: I, hiddenSize: H, numLayers: L }, new Rng(1));
        for (const [name, v] of rnn.params) {
          assert.deepEqual(v.shape, p.tensors[name].shape, `${name} has PyTorch's shape`);
          v.assign(tf.tensor(Float32Array.from(p.tensors[name].data), v.shape));
        }
        assert.deepEqual([...rnn.params.keys()].sort(), [...PARAM_NAMES].sort());
        const t = (name: string) => tf.tensor(Float32Array.from(p.tensors[name].data), p.tensors[name].shape);
        const x = t('x'), h0 = t('h0'), c0 = t('c0');
        const wo = tf.tensor(Float32Array.from(p.wo), [B, T, H]);
        const wh = tf.tensor(Float32Array.from(p.wh), [L, B, H]);
        const wc = tf.tensor(Float32Array.from(p.wc), [L, B, H]);
        const lstm = c.mode === 'lstm';

        // Forward: kernel (float32) vs reference (float64).
        const ref = reference(p, p.tensors);
        const out = rnn.forward(x, c.lengths, { h: h0, c: lstm ? c0 : undefined });
        assert.deepEqual(out.output.shape, [B, T, H]);
        assert.deepEqual(out.h.shape, [L, B, H]);
        assertClose(out.output.dataSync(), ref.output, 'output', 1e-5, 1e-6);
        assertClose(out.h.dataSync(), ref.hn, 'hn', 1e-5, 1e-6);
        if (lstm) assertClose(out.c!.dataSync(), ref.cn, 'cn', 1e-5, 1e-6);
        else assert.equal(out.c, undefined, 'a GRU has no cell state');
        tf.dispose([out.output, out.h, out.c ?? []]);

        const loss = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor): tf.Scalar => {
          const r = rnn.forward(xx, c.lengths, { h: hh, c: lstm ? cc : undefined });
          let s = tf.add(tf.sum(tf.mul(r.output, wo)), tf.sum(tf.mul(r.h, wh)));
          if (r.c) s = tf.add(s, tf.sum(tf.mul(r.c, wc)));
          return s as tf.Scalar;
        };
        const lossValue = loss(x, h0, c0);
        assertClose(lossValue.dataSync(), [refLoss(p, p.tensors)], 'loss', 1e-5, 1e-5);
        lossValue.dispose();

        // Analytic gradients from the kernels' backward pass.
        const inputs = lstm ? [x, h0, c0] : [x, h0];
        const g = tf.grads((...a: tf.Tensor[]) => loss(a[0], a[1], a[2] ?? c0))(inputs);
        const analytic: Record<string, Float32Array> = {
          x: g[0].dataSync() as Float32Array,
          h0: g[1].dataSync() as Float32Array,
        };
        if (lstm) analytic.c0 = g[2].dataSync() as Float32Array;
        const { value, grads } = tf.variableGrads(() => loss(x, h0, c0), rnn.variables);
        for (const [name, v] of rnn.params) analytic[name] = grads[v.name].dataSync() as Float32Array;

        const checked = ['x', 'h0', ...(lstm ? ['c0'] : []), ...PARAM_NAMES];
        for (const name of checked) {
          const fd = finiteDifferences(p, name);
          // Sanity: the reference's gradient is not trivially zero (else the check proves nothing).
          assert.ok(fd.some((v) => Math.abs(v) > 1e-3), `${name}: finite differences are all ~0`);
          assertClose(analytic[name], fd, `d loss / d ${name}`, 1e-4, 2e-5);
        }
        // Entries of x past each sequence's length do not affect anything: exactly zero gradient.
        for (let b = 0; b < B; b++) {
          for (let s = c.lengths[b]; s < T; s++) {
            for (let i = 0; i < I; i++) assert.equal(analytic.x[(b * T + s) * I + i], 0, `dx[${b},${s},${i}] is padding`);
          }
        }
        tf.dispose([...g, value, ...Object.values(grads), x, h0, c0, wo, wh, wc]);
        rnn.dispose();
      });

      for (const layers of [2, 1]) {
        // 1 layer with inputGrad false is the forecaster's training path.
        const inputGrad = layers === 2;
        test(`${c.mode} I=${c.I} H=${c.H}, ${layers} layer(s), returnSequences false${inputGrad ? '' : ', inputGrad false'}, lengths [${c.lengths}]`, () => {
          const p = makeProblem(c.mode, c.I, c.H, c.lengths, c.seed + 100 * layers, layers);
          p.lastOnly = true;
          const { B, T, L, H, I } = p;
          const lstm = c.mode === 'lstm';
          const rnn = new RNN({ mode: c.mode, inputSize: I, hiddenSize: H, numLayers: L }, new Rng(1));
          for (const [name, v] of rnn.params) v.assign(tf.tensor(Float32Array.from(p.tensors[name].data), v.shape));
          const t = (name: string) => tf.tensor(Float32Array.from(p.tensors[name].data), p.tensors[name].shape);
          const x = t('x'), h0 = t('h0'), c0 = t('c0');
          const wl = tf.tensor(Float32Array.from(p.wh.subarray(0, B * H)), [B, H]);
          // Packed rows straight from the padded batch, as a caller of forwardPacked builds them.
          const layout = packLayout(c.lengths, false);
          const rows = tf.tensor1d(paddedRowsForPacked(layout, true, T), 'int32');
          const lastOf = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor) =>
            rnn.forwardPacked(tf.gather(tf.reshape(xx, [B * T, I]), rows), layout, { h: hh, c: lstm ? cc : undefined }, { returnSequences: false, inputGrad }).last;
          const loss = (xx: tf.Tensor, hh: tf.Tensor, cc: tf.Tensor) => tf.sum(tf.mul(lastOf(xx, hh, cc), wl)) as tf.Scalar;

          const ref = reference(p, p.tensors);
          const last = tf.tidy(() => lastOf(x, h0, c0));
          assert.deepEqual(last.shape, [B, H]);
          assertClose(last.dataSync(), ref.hn.subarray((L - 1) * B * H), 'last = top layer hn', 1e-5, 1e-6);
          last.dispose();

          const inputs = lstm ? [x, h0, c0] : [x, h0];
          const g = tf.grads((...a: tf.Tensor[]) => loss(a[0], a[1], a[2] ?? c0))(inputs);
          const analytic: Record<string, Float32Array> = { x: g[0].dataSync() as Float32Array, h0: g[1].dataSync() as Float32Array };
          if (lstm) analytic.c0 = g[2].dataSync() as Float32Array;
          const { value, grads } = tf.variableGrads(() => loss(x, h0, c0), rnn.variables);
          for (const [name, v] of rnn.params) analytic[name] = grads[v.name].dataSync() as Float32Array;
          if (!inputGrad) assert.ok(analytic.x.every((v) => v === 0), 'inputGrad false: no gradient for x');
          for (const name of [...(inputGrad ? ['x'] : []), 'h0', ...(lstm ? ['c0'] : []), ...rnn.params.keys()]) {
            const fd = finiteDifferences(p, name);
            assert.ok(fd.some((v) => Math.abs(v) > 1e-3), `${name}: finite differences are all ~0`);
            assertClose(analytic[name], fd, `d loss / d ${name}`, 1e-4, 2e-5);
          }
          tf.dispose([...g, value, ...Object.values(grads), x, h0, c0, wl, rows]);
          rnn.dispose();
        });
      }
    }
  });
}
