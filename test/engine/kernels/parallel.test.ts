// The two-thread pool gives exactly what one thread gives: GEMM (both split directions), Adam and
// softmax cross-entropy, on sizes above the thresholds at which work is split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernels } from '../../../src/engine/kernels/wasm';
import { gemmPool } from '../../../src/engine/kernels/parallel';

const km = kernels();
const pool = gemmPool();

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

test('split GEMM equals one-thread GEMM, split by columns and by rows, accumulating or not', () => {
  for (const [M, K, N] of [[64, 300, 610], [700, 200, 96]]) {
    km.beginScratch();
    const a = filled(M * K, (i) => Math.sin(i)), b = filled(K * N, (i) => Math.cos(0.3 * i));
    const c1 = filled(M * N, (i) => i % 7), c2 = filled(M * N, (i) => i % 7);
    for (const acc of [false, true]) {
      km.k.gemm(c1, N, a, K, 1, b, N, M, K, N, acc);
      pool.gemm(c2, N, a, K, 1, b, N, M, K, N, acc);
      same(c1, c2, M * N, `[${M},${K}]x[${K},${N}] accumulate=${acc}`);
    }
  }
});

test('split Adam equals one-thread Adam', () => {
  const n = 1_500_003; // odd: the halves are uneven
  km.beginScratch();
  const g = filled(n, (i) => Math.sin(i));
  const mk = () => [filled(n, (i) => Math.cos(i)), filled(n, () => 0.01), filled(n, () => 0.02)];
  const [p1, m1, v1] = mk();
  const [p2, m2, v2] = mk();
  km.k.adam(p1, g, m1, v1, n, 0.001, 0.9, 0.999, 1e-8, 0.1, 0.001, 0);
  pool.adam(p2, g, m2, v2, n, 0.001, 0.9, 0.999, 1e-8, 0.1, 0.001, 0);
  same(p1, p2, n, 'params');
  same(m1, m2, n, 'm');
  same(v1, v2, n, 'v');
});

test('split softmax cross-entropy equals one-thread', () => {
  const N = 301, V = 5431;
  km.beginScratch();
  const logits = filled(N * V, (i) => Math.sin(i * 0.37) * 3);
  const labels = km.put(Int32Array.from({ length: N }, (_, r) => (r % 11 === 0 ? -1 : (r * 97) % V)), true);
  const l1 = km.scratch(N), l2 = km.scratch(N), d1 = km.scratch(N * V), d2 = km.scratch(N * V);
  km.k.softmaxXent(logits, labels, N, V, l1, d1, 1 / N);
  pool.softmaxXent(logits, labels, N, V, l2, d2, 1 / N);
  same(l1, l2, N, 'losses');
  same(d1, d2, N * V, 'gradients');
});
