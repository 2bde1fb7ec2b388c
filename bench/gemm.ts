/**
 * RNN Lab's GEMM rate per engine, on the issue's shapes, for `npm run bench` (bench/run.ts runs
 * this in a child node; kernels/wasm.ts turns on Node 20's relaxed-SIMD flag for the relaxed build).
 * Prints one JSON line: [{ engine, threads, M, K, N, gmacs }]. Each rate is the best of several
 * timed repetitions, through the same entry point the layers use (GemmPool.gemm), so the
 * onnxruntime rate includes staging the operands out of the shared kernel memory.
 */
import { availableParallelism } from 'node:os';
import { KernelModule, relaxedSimdSupported, type KernelVariant } from '../src/engine/kernels/wasm';
import { GemmPool } from '../src/engine/kernels/parallel';
import { nativeGemm } from '../src/engine/kernels/native';

export const GEMM_SHAPES: readonly [number, number, number][] = [
  [1024, 1024, 1024],
  [768, 256, 5431], // the kor-eng output projection: 64 pairs × 12 steps, hidden 256, 5,431 words
  [64, 256, 768], // one GRU step's recurrent product at hidden 256, batch 64
];

interface Rate {
  engine: string;
  threads: number;
  M: number;
  K: number;
  N: number;
  gmacs: number;
}

function rate(km: KernelModule, pool: GemmPool, M: number, K: number, N: number): number {
  km.beginScratch();
  const a = km.put(Float32Array.from({ length: M * K }, (_, i) => Math.sin(i)));
  const b = km.put(Float32Array.from({ length: K * N }, (_, i) => Math.cos(i)));
  const c = km.scratch(M * N);
  const reps = Math.max(1, Math.round(2e8 / (M * K * N)));
  pool.gemm(c, N, a, K, 1, b, N, M, K, N, false); // warm-up (and helper start-up)
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let q = 0; q < reps; q++) pool.gemm(c, N, a, K, 1, b, N, M, K, N, false);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / reps);
  }
  return (M * K * N) / best; // multiply-adds per ns = GMAC/s
}

function main(): void {
  const rates: Rate[] = [];
  const all = availableParallelism();
  const threadCounts = all > 1 ? [1, all] : [1];
  const variants: KernelVariant[] = ['simd128', 'relaxed-simd'];
  for (const variant of variants) {
    if (variant === 'relaxed-simd' && !relaxedSimdSupported()) continue;
    const km = new KernelModule(variant);
    const label = variant === 'simd128' ? 'WASM SIMD128' : 'WASM relaxed SIMD (FMA)';
    for (const t of threadCounts) {
      const pool = new GemmPool(km, t, null);
      for (const [M, K, N] of GEMM_SHAPES) rates.push({ engine: label, threads: t, M, K, N, gmacs: rate(km, pool, M, K, N) });
    }
  }
  const native = nativeGemm();
  if (native) {
    const km = new KernelModule('simd128');
    for (const t of threadCounts) {
      const pool = new GemmPool(km, t, native);
      for (const [M, K, N] of GEMM_SHAPES) rates.push({ engine: 'onnxruntime 1.30 (native)', threads: t, M, K, N, gmacs: rate(km, pool, M, K, N) });
    }
  }
  console.log(JSON.stringify(rates));
}

if (require.main === module) main();
