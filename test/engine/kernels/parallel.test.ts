// The thread pool gives exactly what one thread gives, bit for bit, for 1 to 4 threads: GEMM (both
// split directions, accumulating or not, sizes that do not divide evenly), Adam and softmax
// cross-entropy, on sizes above the thresholds at which work is split. Four threads on a 2-core
// machine are fine: the parts are the same, they just take turns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { kernels } from '../../../src/engine/kernels/wasm';
import { GemmPool, cuts, gemmPool, setThreads } from '../../../src/engine/kernels/parallel';
import { RnnLabError } from '../../../src/engine/errors';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';
import { RNN } from '../../../src/engine/nn/rnn';
import { Rng } from '../../../src/engine/random';

// The WASM split paths are what this file tests: with the native GEMM loaded, the process-wide
// pool would send ETTh1's large products to onnxruntime (whose own thread count never changes a
// bit, test/engine/kernels/native.test.ts), and the split would go unexercised. It loads lazily,
// so turning it off here, before any product, holds for this file's process.
process.env.RNN_LAB_NATIVE = 'off';
const km = kernels();
const THREADS = [1, 2, 3, 4];
const pools = THREADS.map((t) => new GemmPool(km, t));

function filled(n: number, f: (i: number) => number): number {
  const p = km.scratch(n);
  const v = km.f32(p, n);
  for (let i = 0; i < n; i++) v[i] = f(i);
  return p;
}

function same(p: number, q: number, n: number, label: string): void {
  const a = km.f32(p, n), b = km.f32(q, n);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) assert.fail(`${label}: element ${i}: ${a[i]} vs ${b[i]}`);
}

test('cuts: contiguous, as equal as possible, never empty', () => {
  assert.deepEqual(cuts(10, 3), [0, 3, 7, 10]);
  assert.deepEqual(cuts(2, 4), [0, 1, 2]);
  assert.deepEqual(cuts(8, 1), [0, 8]);
});

test('split GEMM equals one-thread GEMM for 1–4 threads, split by columns and by rows, accumulating or not', () => {
  // [64, 300, 610]: by columns, 610 = 76 groups of 8 and 2 columns. [701, 200, 96]: by rows, 701 rows.
  // [40, 520, 2100]: by columns, K past the 256-deep passes. [300, 1100, 40] by rows and
  // [60, 2200, 64] by columns: a narrow B and a long K, summed in 64-deep passes (assembly/gemm.ts).
  for (const [M, K, N] of [[64, 300, 610], [701, 200, 96], [40, 520, 2100], [300, 1100, 40], [60, 2200, 64]]) {
    km.beginScratch();
    const a = filled(M * K, (i) => Math.sin(i)), b = filled(K * N, (i) => Math.cos(0.3 * i));
    const c1 = filled(M * N, (i) => i % 7);
    const cs = pools.map(() => filled(M * N, (i) => i % 7));
    for (const acc of [false, true]) {
      const before = km.read(c1, M * N);
      km.k.gemm(c1, N, a, K, 1, b, N, M, K, N, acc);
      // The one-thread product itself, against float64 sums, at a few elements.
      const av = km.f32(a, M * K), bv = km.f32(b, K * N), cv = km.f32(c1, M * N);
      for (const e of [0, 1, (M * N) >> 1, M * N - 1]) {
        const i = Math.floor(e / N), j = e % N;
        let ref = acc ? before[e] : 0;
        for (let k = 0; k < K; k++) ref += av[i * K + k] * bv[k * N + j];
        assert.ok(Math.abs(cv[e] - ref) <= 1e-4 * Math.max(1, Math.abs(ref)), `[${M},${K}]x[${K},${N}] element ${e}: ${cv[e]} vs ${ref}`);
      }
      pools.forEach((pool, t) => {
        pool.gemm(cs[t], N, a, K, 1, b, N, M, K, N, acc);
        same(c1, cs[t], M * N, `[${M},${K}]x[${K},${N}] accumulate=${acc} threads=${THREADS[t]}`);
      });
    }
    // Aᵀ·B (the weight gradients' addressing) splits the same way.
    if (M * K * N >= 8_000_000) {
      const dy = filled(M * N, (i) => Math.sin(0.7 * i)), ct = km.scratch(K * N), ct1 = km.scratch(K * N);
      km.k.gemm(ct1, N, a, 1, K, dy, N, K, M, N, false);
      for (const pool of pools) {
        pool.gemm(ct, N, a, 1, K, dy, N, K, M, N, false);
        same(ct1, ct, K * N, `Aᵀ·B [${K},${M}]x[${M},${N}] threads=${pool.threads}`);
      }
    }
  }
  // The work really was shared: each pool started threads − 1 helpers.
  assert.deepEqual(pools.map((p) => p.helpersRunning), [0, 1, 2, 3]);
});

test('gemms: products at once give each product\'s one-thread bits, for 1–4 threads, and share the work', () => {
  // ETTh1's weight gradients (Aᵀ·B, 7 and 32 × 6,144 × 128); widths that do not divide by 8, an
  // accumulating product and three at once; and a largest product outweighed by the rest.
  const cases: [number, number, number, boolean][][] = [
    [[7, 6144, 128, false], [32, 6144, 128, false]],
    [[5, 3000, 130, true], [40, 3000, 203, false], [9, 3000, 64, false]],
    [[64, 2000, 72, false], [60, 2000, 64, false]],
  ];
  for (const shapes of cases) {
    km.beginScratch();
    const K = shapes[0][1];
    const prods = shapes.map(([M, , N, accumulate], n) => ({ M, K, N, accumulate, a: filled(K * M, (i) => Math.sin(0.1 * i + n)), b: filled(K * N, (i) => Math.cos(0.3 * i - n)) }));
    const start = (i: number) => i % 5;
    const want = prods.map((p) => {
      const c = filled(p.M * p.N, start);
      km.k.gemm(c, p.N, p.a, 1, p.M, p.b, p.N, p.M, K, p.N, p.accumulate);
      return c;
    });
    for (const pool of [...pools, new GemmPool(km, 2)]) {
      const got = prods.map((p) => filled(p.M * p.N, start));
      pool.gemms(prods.map((p, i) => ({ c: got[i], ldc: p.N, a: p.a, sAi: 1, sAk: p.M, b: p.b, ldb: p.N, M: p.M, K, N: p.N, accumulate: p.accumulate })));
      prods.forEach((p, i) => same(want[i], got[i], p.M * p.N, `[${shapes.map((s) => s.join('×'))}] product ${i} threads=${pool.threads}`));
    }
  }
  // Split: a new two-thread pool starts its helper for them, and not for products too small to split.
  const fresh = new GemmPool(km, 2), small = new GemmPool(km, 2);
  km.beginScratch();
  const run = (pool: GemmPool, K: number) => {
    const a = filled(K * 32, Math.sin), b = filled(K * 128, Math.cos), c = km.scratch(32 * 128), d = km.scratch(32 * 128);
    pool.gemms([{ c, ldc: 128, a, sAi: 1, sAk: 32, b, ldb: 128, M: 32, K, N: 128, accumulate: false }, { c: d, ldc: 128, a, sAi: 1, sAk: 32, b, ldb: 128, M: 32, K, N: 128, accumulate: false }]);
  };
  run(fresh, 2000);
  run(small, 500);
  assert.deepEqual([fresh.helpersRunning, small.helpersRunning], [1, 0]);
  fresh.setThreads(1);
  small.setThreads(1);
});

test('split Adam equals one-thread Adam for 1–4 threads', () => {
  const n = 1_500_003; // odd: the parts are uneven and the last ends mid-vector
  km.beginScratch();
  const g = filled(n, (i) => Math.sin(i));
  const mk = () => [filled(n, (i) => Math.cos(i)), filled(n, () => 0.01), filled(n, () => 0.02)];
  const [p1, m1, v1] = mk();
  km.k.adam(p1, g, m1, v1, n, 0.001, 0.9, 0.999, 1e-8, 0.1, 0.001, 0.01);
  for (const pool of pools) {
    const [p2, m2, v2] = mk();
    pool.adam(p2, g, m2, v2, n, 0.001, 0.9, 0.999, 1e-8, 0.1, 0.001, 0.01);
    same(p1, p2, n, `params threads=${pool.threads}`);
    same(m1, m2, n, `m threads=${pool.threads}`);
    same(v1, v2, n, `v threads=${pool.threads}`);
  }
});

test('split softmax cross-entropy equals one-thread for 1–4 threads', () => {
  const N = 301, V = 5431;
  km.beginScratch();
  const logits = filled(N * V, (i) => Math.sin(i * 0.37) * 3);
  const labels = km.put(Int32Array.from({ length: N }, (_, r) => (r % 11 === 0 ? -1 : (r * 97) % V)), true);
  const l1 = km.scratch(N), d1 = km.scratch(N * V);
  km.k.softmaxXent(logits, labels, N, V, l1, d1, 1 / N);
  for (const pool of pools) {
    const l2 = km.scratch(N), d2 = km.scratch(N * V);
    pool.softmaxXent(logits, labels, N, V, l2, d2, 1 / N);
    same(l1, l2, N, `losses threads=${pool.threads}`);
    same(d1, d2, N * V, `gradients threads=${pool.threads}`);
  }
});

test('an ETTh1-sized LSTM (batch 256 × 24 steps, 7 → 32) gives the same bits on 1 to 4 threads, forward and gradients, with equal and with mixed lengths', async () => {
  // Its products over all rows (the input projection, dW_hh at 25 M multiply-adds, dx) go to the
  // pool, and its time loops (25 M recurrent multiply-adds) are cut by sequences across threads;
  // mixed lengths put sequences that end early in every part.
  await initBackend('wasm');
  assert.equal(gemmPool().native, null, 'every product on WASM');
  const rnn = new RNN({ mode: 'lstm', inputSize: 7, hiddenSize: 32, numLayers: 1 }, new Rng(4));
  const x = tf.variable(tf.tidy(() => tf.reshape(tf.sin(tf.mul(tf.range(0, 256 * 24 * 7), 0.01)), [256, 24, 7])));
  const mixed = Int32Array.from({ length: 256 }, (_, i) => 1 + ((i * 37) % 24));
  let lengths: Int32Array | undefined;
  const run = (threads: number) => {
    setThreads(threads);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(rnn.forward(x, lengths).output)) as tf.Scalar, [x, ...rnn.variables]);
    const out = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.dataSync().slice()]));
    out.loss = value.dataSync().slice();
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  };
  try {
    for (const l of [undefined, mixed]) {
      lengths = l;
      const one = run(1);
      assert.equal(Object.keys(one).length, 2 + rnn.variables.length, 'dx, every weight and the loss');
      for (const t of [2, 3, 4]) assert.deepEqual(run(t), one, `${t} threads, ${l ? 'mixed' : 'equal'} lengths`);
    }
    assert.ok(gemmPool().helpersRunning >= 3, 'the loops ran on helpers');
  } finally {
    setThreads(undefined);
    x.dispose();
    rnn.dispose();
  }
});

test('threads: 0 means every core; fewer threads stop the extra helpers; a bad count is a BAD_OPTION', () => {
  const pool = new GemmPool(km, 0);
  assert.equal(pool.threads, availableParallelism());
  const p = new GemmPool(km, 3);
  km.beginScratch();
  const M = 64, K = 256, N = 1024;
  p.gemm(km.scratch(M * N), N, filled(M * K, Math.sin), K, 1, filled(K * N, Math.cos), N, M, K, N, false);
  assert.equal(p.helpersRunning, 2);
  p.setThreads(1);
  assert.equal(p.helpersRunning, 0);
  assert.equal(p.threads, 1);
  for (const bad of [-1, 1.5, 1000]) {
    assert.throws(() => p.setThreads(bad), (e: unknown) => e instanceof RnnLabError && e.code === 'BAD_OPTION' && /threads must be a whole number from 0 to 256, got/.test(e.message));
  }
  setThreads(2);
  assert.equal(gemmPool().threads, 2);
  setThreads(undefined);
  assert.equal(gemmPool().threads, availableParallelism());
});

test("a helper whose part traps makes the product throw (never a hang, never a half-written result taken as done); the pool then works on without it", { timeout: 30_000 }, () => {
  const pool = new GemmPool(km, 2);
  const [M, K, N] = [64, 300, 610];
  km.beginScratch();
  const a = filled(M * K, (i) => Math.sin(i)), b = filled(K * N, (i) => Math.cos(0.3 * i));
  const c = filled(M * N, () => 0), c1 = filled(M * N, () => 0);
  // B placed so that the first part's columns (0–311: 39 of 77 groups of 8) lie in memory and the helper's run past its end.
  const end = km.sharedMemory.buffer.byteLength;
  const outside = (end - ((K - 1) * N + 400) * 4) & ~15;
  assert.throws(() => pool.gemm(c, N, a, K, 1, outside, N, M, K, N, false), /helper thread failed/);
  assert.equal(pool.helpersRunning, 0, 'the failed helper is stopped');
  km.k.gemm(c1, N, a, K, 1, b, N, M, K, N, false);
  pool.gemm(c, N, a, K, 1, b, N, M, K, N, false);
  same(c1, c, M * N, 'after the failure, this thread does the helper’s part');
});
