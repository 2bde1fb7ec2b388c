// The native GEMM (onnxruntime's CPU Gemm) against the WASM kernel on the layouts the engine
// sends it (A·B, Aᵀ·B for the weight gradients, accumulating into C for the GRU's recurrence),
// within float32 rounding; other layouts are refused untouched. Then training on it, through the
// CLI as a user runs it: deterministic for a seed, and within float32 tolerance of the WASM-only
// run (RNN_LAB_NATIVE=off).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeSafetensors } from '../../../src/engine/safetensors';
import { kernels } from '../../../src/engine/kernels/wasm';
import { NativeGemm, nativeGemm, nativeStatus } from '../../../src/engine/kernels/native';
import { GemmPool, MIN_NATIVE_MACS, MIN_NATIVE_POOL_MACS, MIN_NATIVE_SIDE, kernelEngine, nativeThreads } from '../../../src/engine/kernels/parallel';
import { outputLayerRun, projectedCrossEntropyRun, projectionBackwardRun } from '../../../src/engine/kernels/projection';
import { EXAMPLES } from '../data/helpers';
import { cli, ensureCliBuilt } from '../../helpers/cli';

const km = kernels();

function filled(n: number, f: (i: number) => number): number {
  const p = km.scratch(n);
  const v = km.f32(p, n);
  for (let i = 0; i < n; i++) v[i] = f(i);
  return p;
}

/** |x − y| within float32 rounding of K-term sums of terms ≤ 1: 1e-6·K absolute. */
function close(p: number, q: number, n: number, K: number, label: string): void {
  const a = km.f32(p, n), b = km.f32(q, n);
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(a[i] - b[i]) <= 1e-6 * K)) assert.fail(`${label}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

test('onnxruntime-node ships a binary for this platform, and it loads and passes its self-check', () => {
  assert.deepEqual(nativeStatus(), { ok: true, name: 'onnxruntime 1.30.0' });
  assert.match(kernelEngine(), /; large products on onnxruntime 1\.30\.0$/);
});

test('native GEMM equals the WASM kernel within float32 rounding: A·B, Aᵀ·B, accumulating', () => {
  const native = nativeGemm()!;
  const mem = km.sharedMemory;
  for (const [M, K, N] of [[64, 256, 768], [37, 300, 203], [256, 64, 768]]) {
    km.beginScratch();
    const a = filled(M * K, (i) => Math.sin(i)), at = filled(K * M, (i) => Math.cos(0.1 * i));
    const b = filled(K * N, (i) => Math.cos(0.3 * i));
    for (const acc of [false, true]) {
      const init = (i: number) => (acc ? i % 7 : 0);
      const w = filled(M * N, init), n = filled(M * N, init);
      km.k.gemm(w, N, a, K, 1, b, N, M, K, N, acc);
      assert.equal(native.gemm(mem.buffer, 2, n, N, a, K, 1, b, N, M, K, N, acc), true);
      close(w, n, M * N, K, `A·B [${M},${K}]x[${K},${N}] accumulate=${acc}`);
      const wt = filled(M * N, init), nt = filled(M * N, init);
      km.k.gemm(wt, N, at, 1, M, b, N, M, K, N, acc);
      assert.equal(native.gemm(mem.buffer, 1, nt, N, at, 1, M, b, N, M, K, N, acc), true);
      close(wt, nt, M * N, K, `Aᵀ·B [${K},${M}]ᵀx[${K},${N}] accumulate=${acc}`);
    }
  }
});

test('layouts onnxruntime is not given (a strided C or B, a strided A) are refused, C untouched', () => {
  const native = nativeGemm()!;
  km.beginScratch();
  const M = 8, K = 16, N = 24;
  const a = filled(M * 2 * K, Math.sin), b = filled(K * 2 * N, Math.cos), c = filled(M * 2 * N, () => 3);
  const buf = km.sharedMemory.buffer;
  assert.equal(native.gemm(buf, 1, c, 2 * N, a, K, 1, b, N, M, K, N, false), false); // ldc ≠ N
  assert.equal(native.gemm(buf, 1, c, N, a, K, 1, b, 2 * N, M, K, N, false), false); // ldb ≠ N
  assert.equal(native.gemm(buf, 1, c, N, a, 2 * K, 1, b, N, M, K, N, false), false); // a row of a wider A
  assert.ok(km.f32(c, M * 2 * N).every((v) => v === 3));
});

test('the pool sends products from MIN_NATIVE_MACS to the native GEMM and keeps smaller ones on WASM, bit for bit', () => {
  const real = nativeGemm()!;
  const sent: number[] = [];
  const spy = { gemm: (...args: Parameters<NativeGemm['gemm']>) => (sent.push(args[9] * args[10] * args[11]), real.gemm(...args)) } as unknown as NativeGemm;
  const pool = new GemmPool(km, 2, spy);
  const wasmOnly = new GemmPool(km, 2, null);
  km.beginScratch();
  const M = 64, K = 256;
  const below = Math.floor(MIN_NATIVE_MACS / (M * K)) - 8;
  for (const N of [below, 768]) {
    const a = filled(M * K, Math.sin), b = filled(K * N, Math.cos);
    const p = km.scratch(M * N), q = km.scratch(M * N);
    pool.gemm(p, N, a, K, 1, b, N, M, K, N, false);
    wasmOnly.gemm(q, N, a, K, 1, b, N, M, K, N, false);
    if (N === below) assert.deepEqual(km.f32(p, M * N), km.f32(q, M * N), `N = ${N}: the WASM kernel's bits`);
    else close(p, q, M * N, K, `N = ${N} native`);
  }
  assert.deepEqual(sent, [M * K * 768], 'only the product from MIN_NATIVE_MACS went native');
});

test('the pool sends a product native only when K and N are at least MIN_NATIVE_SIDE (M is free for A·B, not for Aᵀ·B), and on one onnxruntime thread below MIN_NATIVE_POOL_MACS', () => {
  const real = nativeGemm()!;
  const calls: { shape: string; threads: number }[] = [];
  const spy = { gemm: (mem: ArrayBufferLike, threads: number, ...rest: Parameters<NativeGemm['gemm']> extends [unknown, unknown, ...infer R] ? R : never) => {
    calls.push({ shape: `${rest[7]}x${rest[8]}x${rest[9]}`, threads });
    return real.gemm(mem, threads, ...rest);
  } } as unknown as NativeGemm;
  const pool = new GemmPool(km, 2, spy);
  const wasmOnly = new GemmPool(km, 2, null);
  // ETTh1's input projection (K = 7) and a narrow output (N = 32) stay on WASM, bit for bit; the
  // GRU's per-step product, even for 42 live rows, goes native on one thread; the output
  // projection on the whole pool.
  const shapes: [number, number, number][] = [[6144, 7, 128], [6144, 128, 32], [42, 256, 768], [320, 256, 5431]];
  for (const [M, K, N] of shapes) {
    assert.ok(M * K * N >= MIN_NATIVE_MACS);
    km.beginScratch();
    const a = filled(M * K, Math.sin), b = filled(K * N, Math.cos);
    const p = km.scratch(M * N), q = km.scratch(M * N);
    pool.gemm(p, N, a, K, 1, b, N, M, K, N, false);
    wasmOnly.gemm(q, N, a, K, 1, b, N, M, K, N, false);
    const native = Math.min(K, N) >= MIN_NATIVE_SIDE;
    if (!native) assert.deepEqual(km.f32(p, M * N), km.f32(q, M * N), `${M}x${K}x${N} on WASM`);
    else close(p, q, M * N, K, `${M}x${K}x${N} native`);
  }
  // Weight gradients Aᵀ·B over all rows: ETTh1's (M = 7 and 32) stay on WASM, bit for bit; the
  // GRU's at hidden 256 go native.
  for (const [M, K, N] of [[7, 6144, 128], [32, 6144, 128], [256, 320, 768]] as const) {
    km.beginScratch();
    const at = filled(K * M, Math.sin), b = filled(K * N, Math.cos);
    const p = km.scratch(M * N), q = km.scratch(M * N);
    pool.gemm(p, N, at, 1, M, b, N, M, K, N, false);
    wasmOnly.gemm(q, N, at, 1, M, b, N, M, K, N, false);
    if (M < MIN_NATIVE_SIDE) assert.deepEqual(km.f32(p, M * N), km.f32(q, M * N), `${M}x${K}x${N}ᵀ on WASM`);
    else close(p, q, M * N, K, `${M}x${K}x${N}ᵀ native`);
  }
  assert.deepEqual(calls, [
    { shape: '42x256x768', threads: 1 },
    { shape: '320x256x5431', threads: 2 },
    { shape: '256x320x768', threads: 2 },
  ]);
  assert.ok(42 < MIN_NATIVE_SIDE && 42 * 256 * 768 < MIN_NATIVE_POOL_MACS && 320 * 256 * 5431 >= MIN_NATIVE_POOL_MACS);
});

test('onnxruntime gives the same bits on one thread as on its pool, so the thread choice never changes a result', () => {
  const native = nativeGemm()!;
  for (const [M, K, N] of [[64, 256, 768], [320, 256, 5431]]) {
    km.beginScratch();
    const a = filled(M * K, Math.sin), b = filled(K * N, Math.cos);
    const p = km.scratch(M * N), q = km.scratch(M * N);
    native.gemm(km.sharedMemory.buffer, 1, p, N, a, K, 1, b, N, M, K, N, false);
    native.gemm(km.sharedMemory.buffer, 2, q, N, a, K, 1, b, N, M, K, N, false);
    assert.deepEqual(km.f32(p, M * N), km.f32(q, M * N), `${M}x${K}x${N}`);
  }
});

describe("the output layer's training step as one onnxruntime graph", () => {
  /** x, Wᵀ, b and the outputs of one output-layer step, filled the same way for every run. */
  function operands(N: number, H: number, V: number) {
    km.beginScratch();
    const x = filled(N * H, (i) => Math.sin(1.3 * i)), wt = filled(H * V, (i) => 0.3 * Math.cos(0.7 * i)), b = filled(V, (i) => 0.1 * Math.sin(i));
    const grads = () => ({ dx: km.scratch(N * H), dwt: km.scratch(H * V), db: km.scratch(V) });
    return { x, wt, b, grads };
  }

  function wasmStep(o: ReturnType<typeof operands>, bias: boolean, labels: Int32Array, N: number, H: number, V: number, scale: number) {
    const out = o.grads();
    const py = km.scratch(N * V);
    const total = projectedCrossEntropyRun(o.x, o.wt, bias ? o.b : 0, labels, N, H, V, py, scale, true);
    projectionBackwardRun(o.x, o.wt, py, N, H, V, out);
    return { total, out };
  }

  test('loss, dx, dWᵀ and db equal the WASM kernels within float32 rounding, with a bias and without, mean and sum', () => {
    // kor-eng's shape (its output projection), and a ragged one.
    for (const [N, H, V] of [[320, 256, 5431], [97, 64, 1201]]) {
      const labels = Int32Array.from({ length: N }, (_, i) => (i * 997) % V);
      for (const [bias, scale] of [[true, 1 / N], [false, 1]] as const) {
        const o = operands(N, H, V);
        const w = wasmStep(o, bias, labels, N, H, V, scale);
        const out = o.grads();
        const total = outputLayerRun(o.x, o.wt, bias ? o.b : 0, labels, N, H, V, scale, out);
        assert.ok(Math.abs(total - w.total) <= 1e-6 * Math.abs(w.total), `loss sum ${total} vs ${w.total}`);
        // Gradient entries are sums of N (dWᵀ, db) or V (dx) terms of at most `scale` each.
        close(out.dx, w.out.dx, N * H, V * scale, `dx [${N},${H}]`);
        close(out.dwt, w.out.dwt, H * V, N * scale, `dWᵀ [${H},${V}]`);
        if (bias) close(out.db, w.out.db, V, N * scale, `db [${V}]`);
        assert.ok(km.f32(out.dwt, H * V).some((v, i) => v !== km.f32(w.out.dwt, H * V)[i]), 'the graph really ran, not the WASM kernels');
      }
    }
  });

  test('a small product, or an ignored label (< 0), keeps the separate products and the WASM softmax, bit for bit', () => {
    for (const [N, H, V, ignored] of [[16, 32, 100, false], [320, 256, 5431, true]] as const) {
      const labels = Int32Array.from({ length: N }, (_, i) => (ignored && i === 5 ? -1 : (i * 31) % V));
      const o = operands(N, H, V);
      const w = wasmStep(o, true, labels, N, H, V, 1 / N);
      const out = o.grads();
      assert.equal(outputLayerRun(o.x, o.wt, o.b, labels, N, H, V, 1 / N, out), w.total);
      assert.deepEqual(km.f32(out.dwt, H * V), km.f32(w.out.dwt, H * V));
      assert.deepEqual(km.f32(out.dx, N * H), km.f32(w.out.dx, N * H));
    }
  });

  for (const failing of ['load', 'run'] as const) {
    test(`a graph onnxruntime cannot ${failing} answers null, writes nothing, says why, and is not tried again`, () => {
      const calls = { load: 0, run: 0 };
      const fail = (at: 'load' | 'run') => {
        calls[at]++;
        if (at === failing) throw new Error(`${failing} failed\nat …`);
      };
      const binding = { initOrtOnce() {}, InferenceSession: class { loadModel() { fail('load'); } run() { fail('run'); } } };
      const broken = new (NativeGemm as unknown as new (b: unknown) => NativeGemm)(binding);
      const [N, H, V] = [7, 48, 64]; // an odd N: the labels' int64 slots stay aligned
      const o = operands(N, H, V);
      const out = o.grads();
      km.f32(out.dx, N * H).fill(7);
      km.f32(out.dwt, H * V).fill(7);
      const labels = Int32Array.from({ length: N }, (_, i) => i);
      assert.equal(broken.outputLayer(km.sharedMemory.buffer, 1, o.x, o.wt, o.b, labels, N, H, V, 1, out), null);
      assert.equal(broken.outputLayer(km.sharedMemory.buffer, 1, o.x, o.wt, o.b, labels, N, H, V, 1, out), null);
      assert.ok(km.f32(out.dx, N * H).every((v) => v === 7) && km.f32(out.dwt, H * V).every((v) => v === 7));
      assert.deepEqual(calls, failing === 'load' ? { load: 1, run: 0 } : { load: 1, run: 1 });
      assert.equal(broken.outputLayerError, `${failing} failed`);
    });
  }

  test('outputLayerRun goes native only when every product of the graph would (a batch of one sentence stays)', () => {
    const [H, V] = [256, 5431];
    for (const [N, native] of [[320, true], [12, false]] as const) {
      assert.equal(nativeThreads(H, N, V, true, 2) > 0, native);
      const labels = Int32Array.from({ length: N }, (_, i) => (i * 997) % V);
      const o = operands(N, H, V);
      const w = wasmStep(o, true, labels, N, H, V, 1 / N);
      const out = o.grads();
      outputLayerRun(o.x, o.wt, o.b, labels, N, H, V, 1 / N, out);
      const same = km.f32(out.dwt, H * V).every((v, i) => v === km.f32(w.out.dwt, H * V)[i]);
      assert.equal(same, !native, `N = ${N}: ${native ? 'the graph' : 'the separate kernels, bit for bit'}`);
    }
  });

  test('one onnxruntime thread and two give the same bits', () => {
    const native = nativeGemm()!;
    const [N, H, V] = [320, 256, 5431];
    const labels = Int32Array.from({ length: N }, (_, i) => (i * 997) % V);
    const o = operands(N, H, V);
    const runs = [1, 2].map((threads) => {
      const out = o.grads();
      const total = native.outputLayer(km.sharedMemory.buffer, threads, o.x, o.wt, o.b, labels, N, H, V, 1 / N, out);
      return { total, dx: km.f32(out.dx, N * H).slice(), dwt: km.f32(out.dwt, H * V).slice(), db: km.f32(out.db, V).slice() };
    });
    assert.deepEqual(runs[0], runs[1]);
  });
});

describe('training on the native GEMM (batched kor-eng, hidden 64, one epoch)', () => {
  let tmp: string;
  before(async () => {
    ensureCliBuilt();
    tmp = await mkdtemp(path.join(tmpdir(), 'rnn-lab-native-'));
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  async function train(name: string, env: Record<string, string> = {}): Promise<Record<string, Float32Array>> {
    const dir = path.join(tmp, name);
    const args = ['seq2seq', path.join(EXAMPLES, 'kor-eng.txt'), '--hidden', '64', '--epochs', '1', '--batch-size', '64', '--optimizer', 'adam', '--lr', '0.001', '--seed', '3', '--save', dir, '--json', '--quiet'];
    const r = await cli(args, env);
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(dir, 'model.safetensors');
    const { tensors } = decodeSafetensors(new Uint8Array(await readFile(file)), file);
    return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, Float32Array.from(t.data)]));
  }

  test('is deterministic for a seed (bit for bit) and within float32 tolerance of WASM alone', async () => {
    const [n1, n2, w] = await Promise.all([train('native1'), train('native2'), train('wasm', { RNN_LAB_NATIVE: 'off' })]);
    assert.deepEqual(Object.keys(n1).sort(), Object.keys(w).sort());
    let differ = 0;
    for (const k of Object.keys(w)) {
      assert.deepEqual(n1[k], n2[k], `${k}: two native runs with one seed`);
      for (let i = 0; i < w[k].length; i++) {
        // 51 Adam steps of lr 0.001 from products that differ in their last bits.
        if (!(Math.abs(n1[k][i] - w[k][i]) <= 1e-4)) assert.fail(`${k}[${i}]: native ${n1[k][i]} vs WASM ${w[k][i]}`);
        if (n1[k][i] !== w[k][i]) differ++;
      }
    }
    assert.ok(differ > 0, 'the native run really took another path');
  });
});
