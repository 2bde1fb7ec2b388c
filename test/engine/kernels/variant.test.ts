// Which build of the kernel module runs, and that each build computes right. Node 20 has relaxed
// SIMD only behind --experimental-wasm-relaxed-simd, which kernels/wasm.ts turns on in its own
// process, so every other test runs the relaxed build; the SIMD128 fallback is tested in a child
// node with RNN_LAB_RELAXED_SIMD=off, running this file and the kernels' PyTorch-fixture and
// gradient tests on it (RNN_LAB_EXPECT_KERNELS tells this file, in the child, which build must
// have been chosen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { KernelModule, kernels, relaxedSimdSupported, selfCheck, type KernelVariant } from '../../../src/engine/kernels/wasm';

// Node 20 (the flag turned on in-process) and every later runtime validate the relaxed build.
const expected = (process.env.RNN_LAB_EXPECT_KERNELS as KernelVariant | undefined) ?? 'relaxed-simd';

test(`the process-wide module is the ${expected} build`, () => {
  assert.equal(kernels().variant, expected);
});

test('selfCheck passes the SIMD128 build and fails a module whose GEMM is slightly off in one element', () => {
  const km = new KernelModule('simd128');
  assert.equal(selfCheck(km), true);
  const k = { ...km.k };
  k.gemm = (c, ldc, ...rest) => {
    km.k.gemm(c, ldc, ...rest);
    const v = new Float32Array(km.sharedMemory.buffer, c + 4 * (2 * ldc + 9), 1); // row 2, column 9: the 4-column edge
    v[0] = v[0] + Math.max(1e-3, Math.abs(v[0]) * 1e-4);
  };
  assert.equal(selfCheck(Object.assign(Object.create(km) as KernelModule, { k })), false);
});

test('Node 20 validates the relaxed build without --experimental-wasm-relaxed-simd on its command line', () => {
  assert.ok(!process.execArgv.includes('--experimental-wasm-relaxed-simd'));
  assert.equal(relaxedSimdSupported(), true);
});

test('relaxed SIMD GEMM equals SIMD128 within float32 rounding, on the micro-kernel and its edges', () => {
  const r = new KernelModule('relaxed-simd'), s = new KernelModule('simd128');
  assert.equal(selfCheck(r), true);
  const M = 37, K = 300, N = 203;
  const out = [r, s].map((km) => {
    km.beginScratch();
    const a = km.put(Float32Array.from({ length: M * K }, (_, i) => Math.sin(i)));
    const b = km.put(Float32Array.from({ length: K * N }, (_, i) => Math.cos(0.7 * i)));
    const c = km.put(Float32Array.from({ length: M * N }, (_, i) => i % 5));
    km.k.gemm(c, N, a, K, 1, b, N, M, K, N, true);
    return km.f32(c, M * N).slice();
  });
  let fused = 0;
  for (let i = 0; i < M * N; i++) {
    // K = 300 terms of magnitude ≤ 1: both roundings stay within 300 · 2⁻²⁴ · max|partial sum|.
    assert.ok(Math.abs(out[0][i] - out[1][i]) <= 2e-4, `element ${i}: ${out[0][i]} vs ${out[1][i]}`);
    if (out[0][i] !== out[1][i]) fused++;
  }
  assert.ok(fused > 0, 'the relaxed build rounds differently somewhere (its multiply-adds are fused)');
});

if (!process.env.RNN_LAB_EXPECT_KERNELS) {
  test('with RNN_LAB_RELAXED_SIMD=off, the SIMD128 build is chosen and passes the kernels\' fixture and gradient tests', () => {
    const files = [
      'test/engine/kernels/variant.test.ts',
      'test/engine/kernels/parallel.test.ts',
      'test/engine/nn/rnn.test.ts',
      'test/engine/nn/gradcheck.test.ts',
      'test/engine/nn/projection.test.ts',
      'test/engine/nn/packed.test.ts',
      'test/engine/packing.test.ts',
    ];
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], {
      encoding: 'utf8',
      // Without NODE_TEST_CONTEXT the child reports on its own stdout, not into this test run.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, RNN_LAB_EXPECT_KERNELS: 'simd128', RNN_LAB_RELAXED_SIMD: 'off' },
      maxBuffer: 64 << 20,
    });
    const pass = Number(/^# pass (\d+)$/m.exec(r.stdout)?.[1]);
    const fail = Number(/^# fail (\d+)$/m.exec(r.stdout)?.[1]);
    assert.equal(r.status, 0, `child failed:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
    assert.equal(fail, 0);
    assert.ok(pass >= 20, `the child ran ${pass} tests`);
    assert.match(r.stdout, /ok \d+ - the process-wide module is the simd128 build/);
    assert.match(r.stdout, /relaxed SIMD GEMM equals SIMD128/);
  });
}
