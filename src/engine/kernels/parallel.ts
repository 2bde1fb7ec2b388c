/**
 * Two-thread GEMM for the large products (the seq2seq output projection: ~0.5 G multiply-adds each).
 *
 * WASM SIMD has no FMA and 128-bit vectors, so one core tops out near 12.7 GMAC/s here, while
 * PyTorch's OpenBLAS uses both cores with AVX2 FMA. A helper thread instantiates the same kernel
 * module on the same shared memory; a product is split in two (by columns, or by rows when the
 * output is narrow), the helper computes one half while this thread computes the other, and they
 * meet through Atomics on a small control block. Small products stay on one thread: the hand-off
 * costs tens of microseconds.
 *
 * The helper is unref'd, so it never keeps a process alive; it is started on first use.
 */
import { Worker } from 'node:worker_threads';
import { kernels, setHostGemm, type KernelModule } from './wasm';

/** Multiply-adds below which a product runs on the calling thread alone. */
const MIN_PARALLEL_MACS = 8_000_000;

// Control block: Int32 [0] job sequence (posted by the caller), [1] done sequence (by the helper),
// Uint32 [2..12] the gemm arguments.
const SEQ = 0;
const DONE = 1;
const ARGS = 2;

const HELPER = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const env = { memory, abort() { throw new Error('kernel abort'); }, pgemm: (...a) => inst.exports.gemm(...a) };
const inst = new WebAssembly.Instance(module, { env });
const ctrl = new Int32Array(control);
const args = new Uint32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  const seq = Atomics.load(ctrl, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  const a = args.subarray(${ARGS}, ${ARGS} + 11);
  inst.exports.gemm(a[0], a[1], a[2], a[3] | 0, a[4] | 0, a[5], a[6], a[7], a[8], a[9], a[10] !== 0);
  Atomics.store(ctrl, ${DONE}, seq);
  Atomics.notify(ctrl, ${DONE});
}
`;

export class GemmPool {
  private worker: Worker | null = null;
  private readonly control = new SharedArrayBuffer(64);
  private readonly ctrl = new Int32Array(this.control);
  private readonly args = new Uint32Array(this.control);
  private seq = 0;
  private failed = false;

  constructor(private readonly km: KernelModule) {}

  private helper(): Worker | null {
    if (this.worker || this.failed) return this.worker;
    try {
      this.worker = new Worker(HELPER, {
        eval: true,
        workerData: { module: this.km.module, memory: this.km.sharedMemory, control: this.control },
      });
      this.worker.unref();
      this.worker.on('error', () => {
        // A helper that died leaves the caller on one thread, never waiting for it.
        this.failed = true;
        this.worker = null;
      });
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  /** Same contract as the kernel's gemm (see assembly/gemm.ts); large products use two threads. */
  gemm(c: number, ldc: number, a: number, sAi: number, sAk: number, b: number, ldb: number, M: number, K: number, N: number, accumulate: boolean): void {
    const k = this.km.k;
    if (M * K * N < MIN_PARALLEL_MACS || !this.helper()) {
      k.gemm(c, ldc, a, sAi, sAk, b, ldb, M, K, N, accumulate);
      return;
    }
    // Split the wider side; halves stay multiples of the micro-kernel's 8 columns / 4 rows.
    let job: number[];
    let mine: () => void;
    if (N >= M) {
      const n0 = Math.max(8, Math.floor(N / 16) * 8);
      job = [c + n0 * 4, ldc, a, sAi, sAk, b + n0 * 4, ldb, M, K, N - n0, accumulate ? 1 : 0];
      mine = () => k.gemm(c, ldc, a, sAi, sAk, b, ldb, M, K, n0, accumulate);
    } else {
      const m0 = Math.max(4, Math.floor(M / 8) * 4);
      job = [c + m0 * ldc * 4, ldc, a + m0 * sAi * 4, sAi, sAk, b, ldb, M - m0, K, N, accumulate ? 1 : 0];
      mine = () => k.gemm(c, ldc, a, sAi, sAk, b, ldb, m0, K, N, accumulate);
    }
    for (let i = 0; i < job.length; i++) this.args[ARGS + i] = job[i] >>> 0;
    const seq = ++this.seq;
    Atomics.store(this.ctrl, SEQ, seq);
    Atomics.notify(this.ctrl, SEQ);
    mine();
    while (Atomics.load(this.ctrl, DONE) !== seq) {
      if (this.failed) {
        // The helper died mid-job: do its half here.
        k.gemm(job[0], job[1], job[2], job[3], job[4], job[5], job[6], job[7], job[8], job[9], job[10] !== 0);
        return;
      }
      Atomics.wait(this.ctrl, DONE, Atomics.load(this.ctrl, DONE), 50);
    }
  }
}

let pool: GemmPool | null = null;

/** The process-wide pool over the process-wide kernel module. */
export function gemmPool(): GemmPool {
  if (!pool) pool = new GemmPool(kernels());
  return pool;
}

// Kernels' own large products (the GRU's per-step recurrence) use the pool too.
setHostGemm((c, ldc, a, sAi, sAk, b, ldb, M, K, N, acc) => gemmPool().gemm(c, ldc, a, sAi, sAk, b, ldb, M, K, N, acc));
