/**
 * Multi-thread GEMM (and the element-wise passes worth splitting) for the large products: the
 * seq2seq output projection is ~0.5 G multiply-adds per product.
 *
 * WASM SIMD is 128 bits wide, so one core tops out near 12.7 GMAC/s here, while PyTorch's OpenBLAS
 * uses every core with AVX2/AVX-512 FMA. Helper threads instantiate the same kernel module on the
 * same shared memory; a product is cut into one part per thread (by columns, or by rows when the
 * output is narrow), each helper computes its part while this thread computes the first, and they
 * meet through Atomics on a small control block per helper. Every output element is computed by
 * the same arithmetic in the same order whichever part it falls in, so the result is bit for bit
 * what one thread gives. Small products stay on one thread: the hand-off costs tens of microseconds.
 *
 * The thread count defaults to every core (`os.availableParallelism()`); `setThreads` (the CLI's
 * `--threads`, the `rnnLab.threads` setting) changes it. Helpers are unref'd, so they never keep a
 * process alive; they are started on first use.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { kernels, setHostGemm, type KernelModule } from './wasm';
import { nativeGemm, nativeStatus, type NativeGemm } from './native';
import { checkOption } from '../options';
import { TRAINER_OPTIONS } from '../../shared/options/trainer';

/** Multiply-adds below which a product runs on the calling thread alone. */
const MIN_PARALLEL_MACS = 8_000_000;
/** Multiply-adds from which a product goes to the native GEMM, where there is one (kernels/native.ts). */
export const MIN_NATIVE_MACS = 4_000_000;
/**
 * K and N a product needs, each, to go native: with a thin inner or output side MLAS's per-call
 * packing and its kernel's edges cost more than WASM's whole product. Measured (2026-12-01, load
 * 5): ETTh1's input projection 6144×7×128 ran at 5 GMAC/s native and 23 on WASM, its 6144×128×32
 * at 34 native and 46 on two WASM threads. M is free for A·B: the GRU's per-step products have
 * as many rows as sequences still running (42×256×768 near the end of a batch), and stay native.
 * Not for Aᵀ·B (the weight gradients xᵀ·dy over all rows): a small M there stages a long A and B
 * across the binding for a small output (2026-12-01, quiet: ETTh1's 7×6144×128 566 µs native
 * against 345 µs on WASM, its 32×6144×128 917 against 762 on two WASM threads; the epoch's median
 * 0.237 → 0.207 s), so M needs MIN_NATIVE_SIDE too.
 */
export const MIN_NATIVE_SIDE = 48;
/**
 * Multiply-adds from which a native product uses onnxruntime's whole pool; smaller ones run on
 * one of its threads, whose hand-off costs more than a second core gives there (quiet machine:
 * 64×256×768 at 53 GMAC/s on one thread, 37 on two; 768×256×5431 at 96 on two). Thread counts
 * change only how MLAS cuts the output, not any element's sums.
 */
export const MIN_NATIVE_POOL_MACS = 50_000_000;
/**
 * The onnxruntime threads a product C[M, N] = op(A)·B of inner size K goes native on, by the
 * rules above, or 0 to keep it on WASM (op(A) = Aᵀ: `transposedA`).
 */
export function nativeThreads(M: number, K: number, N: number, transposedA: boolean, poolThreads: number): number {
  const macs = M * K * N;
  if (macs < MIN_NATIVE_MACS || Math.min(K, N, transposedA ? M : K) < MIN_NATIVE_SIDE) return 0;
  return macs >= MIN_NATIVE_POOL_MACS ? poolThreads : 1;
}

/** Elements below which an element-wise pass (Adam, cross-entropy) runs on the calling thread alone. */
const MIN_PARALLEL_ELEMS = 1_000_000;
/**
 * Recurrent multiply-adds (rows · H · 4H) below which an LSTM's time loop runs on the calling
 * thread alone; above, its sequences are cut into one part per thread, each running every step
 * (one hand-off per pass, not one per step: a step's product at ETTh1's batch of 256 and hidden
 * 32 is 1 M multiply-adds, 40 µs, too small to split on its own).
 */
export const MIN_PARALLEL_STEP_MACS = 4_000_000;

// Control block per helper: Int32 [0] job sequence (posted by the caller), [1] done sequence (by
// the helper), [2] the operation; Uint32 [3..21] integer arguments; Int32 [23] the sequence of a
// job the helper could not do (its kernel threw, or the helper could not instantiate the module);
// Float64 [24..31] float arguments.
const SEQ = 0;
const DONE = 1;
const OP = 2;
const ARGS = 3;
const FAILED = 23;
const FARGS = 24; // index into the Float64 view (byte 192)
const CONTROL_BYTES = 256;
const OP_GEMM = 0;
const OP_ADAM = 1;
const OP_XENT = 2;
const OP_LSTM_STEPS = 3;
const OP_LSTM_BACK_STEPS = 4;

const HELPER = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const env = { memory, abort() { throw new Error('kernel abort'); }, pgemm: (...a) => inst.exports.gemm(...a) };
let inst = null;
try {
  inst = new WebAssembly.Instance(module, { env });
} catch {
  // Every job is answered as failed: the caller throws instead of waiting for ever.
}
const k = inst && inst.exports;
const ctrl = new Int32Array(control);
const args = new Uint32Array(control);
const fargs = new Float64Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  const seq = Atomics.load(ctrl, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  const a = args.subarray(${ARGS}, ${ARGS} + 19);
  const f = fargs.subarray(${FARGS}, ${FARGS} + 8);
  try {
    if (!k) throw new Error('no kernel instance');
    switch (ctrl[${OP}]) {
      case ${OP_GEMM}: k.gemm(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10] !== 0); break;
      case ${OP_ADAM}: k.adam(a[0], a[1], a[2], a[3], a[4], f[0], f[1], f[2], f[3], f[4], f[5], f[6]); break;
      case ${OP_XENT}: k.softmaxXent(a[0], a[1], a[2], a[3], a[4], a[5], f[0]); break;
      case ${OP_LSTM_STEPS}: k.lstmSteps(...a.subarray(0, 16)); break;
      case ${OP_LSTM_BACK_STEPS}: k.lstmBackSteps(...a.subarray(0, 19)); break;
    }
  } catch {
    Atomics.store(ctrl, ${FAILED}, seq);
  }
  Atomics.store(ctrl, ${DONE}, seq);
  Atomics.notify(ctrl, ${DONE});
}
`;

/** A product's arguments, as gemm takes them. */
export interface Product {
  c: number;
  ldc: number;
  a: number;
  sAi: number;
  sAk: number;
  b: number;
  ldb: number;
  M: number;
  K: number;
  N: number;
  accumulate: boolean;
}

/** One part of a split operation: its arguments, in the order the kernel export takes them. */
interface Part {
  ints: number[];
  floats: number[];
}

/** A helper thread and its control block; `failed` once it has died. */
class Helper {
  readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  readonly ctrl = new Int32Array(this.control);
  readonly args = new Uint32Array(this.control);
  readonly fargs = new Float64Array(this.control);
  seq = 0;
  failed = false;
  private readonly worker: Worker;

  constructor(km: KernelModule) {
    this.worker = new Worker(HELPER, { eval: true, workerData: { module: km.module, memory: km.sharedMemory, control: this.control } });
    this.worker.unref();
    // A helper that died leaves its part to the caller, never waiting for it.
    this.worker.on('error', () => (this.failed = true));
  }

  post(op: number, part: Part): number {
    this.ctrl[OP] = op;
    for (let i = 0; i < part.ints.length; i++) this.args[ARGS + i] = part.ints[i] >>> 0;
    for (let i = 0; i < part.floats.length; i++) this.fargs[FARGS + i] = part.floats[i];
    const seq = ++this.seq;
    Atomics.store(this.ctrl, SEQ, seq);
    Atomics.notify(this.ctrl, SEQ);
    return seq;
  }

  /**
   * Wait for job `seq`; false when the helper died before starting it (its part is then the
   * caller's). A part the helper started and could not finish may have written half its output
   * (an accumulating product, say), so it is never redone: that throws, and the run fails.
   */
  await(seq: number): boolean {
    while (Atomics.load(this.ctrl, DONE) !== seq) {
      if (this.failed) return false;
      Atomics.wait(this.ctrl, DONE, Atomics.load(this.ctrl, DONE), 50);
    }
    if (Atomics.load(this.ctrl, FAILED) === seq) {
      this.terminate();
      throw new Error('a kernel helper thread failed in its part of a split operation');
    }
    return true;
  }

  terminate(): void {
    this.failed = true;
    void this.worker.terminate();
  }
}

/**
 * Cut `units` units (8-column groups, 4-row blocks, 4-float runs, rows) into at most `parts`
 * contiguous ranges as equal as possible; returns the boundaries in units, starting with 0.
 */
export function cuts(units: number, parts: number): number[] {
  const p = Math.max(1, Math.min(parts, units));
  return Array.from({ length: p + 1 }, (_, i) => Math.round((i * units) / p));
}

export class GemmPool {
  private readonly helpers: Helper[] = [];
  private threadCount: number;

  /** `native`: where products of MIN_NATIVE_MACS or more go (null: all stay on WASM). */
  constructor(private readonly km: KernelModule, threads = 0, readonly native: NativeGemm | null = null) {
    this.threadCount = resolveThreads(threads);
  }

  /** Threads a large product uses, this one included. */
  get threads(): number {
    return this.threadCount;
  }

  /** Helper threads running (started on the first large product, at most threads − 1). */
  get helpersRunning(): number {
    return this.helpers.filter((h) => !h.failed).length;
  }

  /** 0 (or undefined): every core. Helpers beyond the new count are stopped. */
  setThreads(threads: number | undefined): void {
    this.threadCount = resolveThreads(threads ?? 0);
    for (const h of this.helpers.splice(this.threadCount - 1)) h.terminate();
  }

  /** Helper `i` (0-based), started on first use; null if it cannot start or has died. */
  private helper(i: number): Helper | null {
    let h: Helper | undefined = this.helpers[i];
    if (!h) {
      try {
        h = new Helper(this.km);
      } catch {
        return null;
      }
      this.helpers[i] = h;
    }
    return h.failed ? null : h;
  }

  /**
   * Run `parts[0]` here and the others on helpers, then wait for all; a part whose helper cannot
   * start or dies runs here instead. `run` executes one part on this thread.
   */
  private split(op: number, parts: Part[], run: (p: Part) => void): void {
    const posted: { h: Helper; seq: number; part: Part }[] = [];
    const mine: Part[] = [parts[0]];
    for (let i = 1; i < parts.length; i++) {
      const h = this.helper(i - 1);
      if (h) posted.push({ h, seq: h.post(op, parts[i]), part: parts[i] });
      else mine.push(parts[i]);
    }
    try {
      for (const p of mine) run(p);
    } finally {
      // Even when this thread's part threw, the helpers' parts end before the scratch memory they write is reused.
      let helperError: unknown = null;
      for (const { h, seq, part } of posted) {
        try {
          if (!h.await(seq)) run(part);
        } catch (e) {
          helperError ??= e;
        }
      }
      if (helperError) throw helperError;
    }
  }

  /** Same contract as the kernel's gemm (see assembly/gemm.ts); large products use every thread. */
  gemm(c: number, ldc: number, a: number, sAi: number, sAk: number, b: number, ldb: number, M: number, K: number, N: number, accumulate: boolean): void {
    const k = this.km.k;
    const macs = M * K * N;
    const threads = this.native ? nativeThreads(M, K, N, sAi === 1 && sAk === M && M > 1, this.threadCount) : 0;
    if (threads > 0 && this.native!.gemm(this.km.sharedMemory.buffer, threads, c, ldc, a, sAi, sAk, b, ldb, M, K, N, accumulate)) return;
    if (this.threadCount < 2 || macs < MIN_PARALLEL_MACS) {
      k.gemm(c, ldc, a, sAi, sAk, b, ldb, M, K, N, accumulate);
      return;
    }
    // Cut the wider side; parts stay multiples of the micro-kernel's 8 columns / 4 rows.
    const acc = accumulate ? 1 : 0;
    const parts: Part[] = [];
    if (N >= M) {
      const at = cuts(Math.ceil(N / 8), this.threadCount).map((u) => Math.min(N, u * 8));
      for (let i = 0; i + 1 < at.length; i++) {
        const j = at[i];
        parts.push({ ints: [c + j * 4, ldc, a, sAi, sAk, b + j * 4, ldb, M, K, at[i + 1] - j, acc], floats: [] });
      }
    } else {
      const at = cuts(Math.ceil(M / 4), this.threadCount).map((u) => Math.min(M, u * 4));
      for (let i = 0; i + 1 < at.length; i++) {
        const r = at[i];
        parts.push({ ints: [c + r * ldc * 4, ldc, a + r * sAi * 4, sAi, sAk, b, ldb, at[i + 1] - r, K, N, acc], floats: [] });
      }
    }
    this.split(OP_GEMM, parts, ({ ints: x }) => k.gemm(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10] !== 0));
  }

  /**
   * Independent products at once (a GRU's weight gradients, x's and h's, over every row): the
   * largest is cut by 8-column groups, the helpers taking its last columns and this thread the
   * rest of it and every other product, so that the threads' multiply-adds about balance — not
   * one product after another, each split alone or (below MIN_PARALLEL_MACS) not at all. Each
   * product's result is the same bits as its gemm alone: whole 8-column groups, the same kernel.
   * Products that would go native go one by one through gemm.
   */
  gemms(products: readonly Product[]): void {
    const macsOf = (p: Product) => p.M * p.K * p.N;
    const total = products.reduce((t, p) => t + macsOf(p), 0);
    const native = this.native !== null && products.some((p) => nativeThreads(p.M, p.K, p.N, p.sAi === 1 && p.sAk === p.M && p.M > 1, this.threadCount) > 0);
    const T = this.threadCount;
    const big = products.reduce((b, p, i) => (macsOf(p) > macsOf(products[b]) ? i : b), 0);
    const L = products[big];
    const groups = L ? Math.ceil(L.N / 8) : 0;
    // 8-column groups of the largest product for each helper: a thread's share of all the work.
    const share = L ? Math.min(Math.floor(groups / T), Math.round(total / T / (L.M * L.K * 8))) : 0;
    if (T < 2 || native || total < MIN_PARALLEL_MACS || share < 1) {
      for (const p of products) this.gemm(p.c, p.ldc, p.a, p.sAi, p.sAk, p.b, p.ldb, p.M, p.K, p.N, p.accumulate);
      return;
    }
    const k = this.km.k;
    const cols = (j0: number, j1: number): Part => ({ ints: [L.c + j0 * 4, L.ldc, L.a, L.sAi, L.sAk, L.b + j0 * 4, L.ldb, L.M, L.K, j1 - j0, L.accumulate ? 1 : 0], floats: [] });
    const mineEnd = (groups - (T - 1) * share) * 8; // this thread: columns [0, mineEnd) of the largest
    const mine = cols(0, Math.min(L.N, mineEnd));
    const parts: Part[] = [mine];
    for (let h = T - 2; h >= 0; h--) parts.push(cols(Math.min(L.N, (groups - (h + 1) * share) * 8), Math.min(L.N, (groups - h * share) * 8)));
    const gemmPart = (x: number[]) => k.gemm(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10] !== 0);
    this.split(OP_GEMM, parts, (part) => {
      if (part !== mine) return gemmPart(part.ints);
      for (let i = 0; i < products.length; i++) {
        const p = products[i];
        if (i !== big) k.gemm(p.c, p.ldc, p.a, p.sAi, p.sAk, p.b, p.ldb, p.M, p.K, p.N, p.accumulate);
      }
      if (mine.ints[9] > 0) gemmPart(mine.ints);
    });
  }

  /** The kernel's Adam over n parameters; above MIN_PARALLEL_ELEMS, a run of it on each thread. */
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, bc1: number, bc2: number, wd: number): void {
    const k = this.km.k;
    if (this.threadCount < 2 || n < MIN_PARALLEL_ELEMS) {
      k.adam(p, g, m, v, n, lr, b1, b2, eps, bc1, bc2, wd);
      return;
    }
    const floats = [lr, b1, b2, eps, bc1, bc2, wd];
    const at = cuts(Math.ceil(n / 4), this.threadCount).map((u) => Math.min(n, u * 4)); // runs of whole f32x4s
    const parts: Part[] = [];
    for (let i = 0; i + 1 < at.length; i++) {
      const o = at[i] * 4;
      parts.push({ ints: [p + o, g + o, m + o, v + o, at[i + 1] - at[i]], floats });
    }
    this.split(OP_ADAM, parts, ({ ints: x }) => k.adam(x[0], x[1], x[2], x[3], x[4], lr, b1, b2, eps, bc1, bc2, wd));
  }

  /** The kernel's softmax cross-entropy over N rows of V; large ones split by rows. */
  softmaxXent(logits: number, labels: number, N: number, V: number, losses: number, dlogits: number, scale: number): void {
    const k = this.km.k;
    if (this.threadCount < 2 || N * V < MIN_PARALLEL_ELEMS || N < 2) {
      k.softmaxXent(logits, labels, N, V, losses, dlogits, scale);
      return;
    }
    const at = cuts(N, this.threadCount);
    const parts: Part[] = [];
    for (let i = 0; i + 1 < at.length; i++) {
      const r = at[i];
      parts.push({ ints: [logits + r * V * 4, labels + r * 4, at[i + 1] - r, V, losses + r * 4, dlogits ? dlogits + r * V * 4 : 0], floats: [scale] });
    }
    this.split(OP_XENT, parts, ({ ints: x }) => k.softmaxXent(x[0], x[1], x[2], x[3], x[4], x[5], scale));
  }

  /**
   * An LSTM time loop, forward (assembly lstmSteps) or backward (lstmBackSteps), given its
   * arguments before the part's (b0, w), over B sequences with `macs` recurrent multiply-adds:
   * large ones cut the sequences into runs of whole 4-row blocks, one per thread. Every row's
   * arithmetic is the same in any part, so the result is bit for bit one thread's.
   */
  lstmLoop(backward: boolean, ints: number[], B: number, macs: number): void {
    const k = this.km.k;
    const run = (x: number[]) => (backward ? k.lstmBackSteps(...x) : k.lstmSteps(...x));
    if (this.threadCount < 2 || macs < MIN_PARALLEL_STEP_MACS || B < 8) {
      run([...ints, 0, B]);
      return;
    }
    const at = cuts(Math.ceil(B / 4), this.threadCount).map((u) => Math.min(B, u * 4));
    const parts: Part[] = [];
    for (let i = 0; i + 1 < at.length; i++) parts.push({ ints: [...ints, at[i], at[i + 1] - at[i]], floats: [] });
    this.split(backward ? OP_LSTM_BACK_STEPS : OP_LSTM_STEPS, parts, ({ ints: x }) => run(x));
  }
}

/** 0: every core; otherwise the count, within the trainer table's bounds. */
function resolveThreads(threads: number): number {
  checkOption(TRAINER_OPTIONS.threads, threads);
  return threads === 0 ? availableParallelism() : threads;
}

let pool: GemmPool | null = null;

/** The process-wide pool over the process-wide kernel module, with the native GEMM where there is one. */
export function gemmPool(): GemmPool {
  if (!pool) pool = new GemmPool(kernels(), 0, nativeGemm());
  return pool;
}

/**
 * What runs the kernels, in one line for the CLI's and the extension's logs: "WASM relaxed SIMD
 * (FMA), 2 threads; large products on onnxruntime 1.30.0", or why there is no native GEMM.
 */
export function kernelEngine(): string {
  const build = kernels().variant === 'relaxed-simd' ? 'WASM relaxed SIMD (FMA)' : 'WASM SIMD128';
  const t = gemmPool().threads;
  const native = nativeStatus();
  const graphOff = nativeGemm()?.outputLayerError;
  const off = graphOff ? ` (its output-layer graph off: ${graphOff})` : '';
  return `${build}, ${t} thread${t === 1 ? '' : 's'}; ${native.ok ? `large products on ${native.name}${off}` : `no native GEMM (${native.reason})`}`;
}

/** Threads for the process-wide pool: 0 or undefined for every core (the CLI's --threads, rnnLab.threads). */
export function setThreads(threads: number | undefined): void {
  gemmPool().setThreads(threads);
}

// Kernels' own large products (the GRU's per-step recurrence) use the pool too.
setHostGemm((c, ldc, a, sAi, sAk, b, ldb, M, K, N, acc) => gemmPool().gemm(c, ldc, a, sAi, sAk, b, ldb, M, K, N, acc));
