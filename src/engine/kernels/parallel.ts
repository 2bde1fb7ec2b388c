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
/** Elements below which an element-wise pass (Adam, cross-entropy) runs on the calling thread alone. */
const MIN_PARALLEL_ELEMS = 1_000_000;

// Control block: Int32 [0] job sequence (posted by the caller), [1] done sequence (by the helper),
// [2] the operation; Uint32 [3..15] integer arguments; Float64 [8..15] float arguments.
const SEQ = 0;
const DONE = 1;
const OP = 2;
const ARGS = 3;
const FARGS = 8; // index into the Float64 view (byte 64)
const OP_GEMM = 0;
const OP_ADAM = 1;
const OP_XENT = 2;

const HELPER = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const env = { memory, abort() { throw new Error('kernel abort'); }, pgemm: (...a) => inst.exports.gemm(...a) };
const inst = new WebAssembly.Instance(module, { env });
const k = inst.exports;
const ctrl = new Int32Array(control);
const args = new Uint32Array(control);
const fargs = new Float64Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  const seq = Atomics.load(ctrl, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  const a = args.subarray(${ARGS}, ${ARGS} + 11);
  const f = fargs.subarray(${FARGS}, ${FARGS} + 8);
  switch (ctrl[${OP}]) {
    case ${OP_GEMM}: k.gemm(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10] !== 0); break;
    case ${OP_ADAM}: k.adam(a[0], a[1], a[2], a[3], a[4], f[0], f[1], f[2], f[3], f[4], f[5], f[6]); break;
    case ${OP_XENT}: k.softmaxXent(a[0], a[1], a[2], a[3], a[4], a[5], f[0]); break;
  }
  Atomics.store(ctrl, ${DONE}, seq);
  Atomics.notify(ctrl, ${DONE});
}
`;

export class GemmPool {
  private worker: Worker | null = null;
  private readonly control = new SharedArrayBuffer(128);
  private readonly ctrl = new Int32Array(this.control);
  private readonly args = new Uint32Array(this.control);
  private readonly fargs = new Float64Array(this.control);
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

  /**
   * Run `op` with `ints`/`floats` on the helper while `mine` runs here; wait for both. If the
   * helper has died, `theirs` runs its part here instead.
   */
  private split(op: number, ints: number[], floats: number[], mine: () => void, theirs: () => void): void {
    this.ctrl[OP] = op;
    for (let i = 0; i < ints.length; i++) this.args[ARGS + i] = ints[i] >>> 0;
    for (let i = 0; i < floats.length; i++) this.fargs[FARGS + i] = floats[i];
    const seq = ++this.seq;
    Atomics.store(this.ctrl, SEQ, seq);
    Atomics.notify(this.ctrl, SEQ);
    mine();
    while (Atomics.load(this.ctrl, DONE) !== seq) {
      if (this.failed) {
        theirs();
        return;
      }
      Atomics.wait(this.ctrl, DONE, Atomics.load(this.ctrl, DONE), 50);
    }
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
    this.split(OP_GEMM, job, [], mine, () => k.gemm(job[0], job[1], job[2], job[3], job[4], job[5], job[6], job[7], job[8], job[9], job[10] !== 0));
  }

  /** The kernel's Adam over n parameters; above MIN_PARALLEL_ELEMS, half on each thread. */
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, bc1: number, bc2: number, wd: number): void {
    const k = this.km.k;
    if (n < MIN_PARALLEL_ELEMS || !this.helper()) {
      k.adam(p, g, m, v, n, lr, b1, b2, eps, bc1, bc2, wd);
      return;
    }
    const h = Math.floor(n / 8) * 4; // first half, a multiple of 4 floats
    const o = h * 4;
    const floats = [lr, b1, b2, eps, bc1, bc2, wd];
    this.split(OP_ADAM, [p + o, g + o, m + o, v + o, n - h], floats, () => k.adam(p, g, m, v, h, lr, b1, b2, eps, bc1, bc2, wd), () => k.adam(p + o, g + o, m + o, v + o, n - h, lr, b1, b2, eps, bc1, bc2, wd));
  }

  /** The kernel's softmax cross-entropy over N rows of V; large ones split by rows. */
  softmaxXent(logits: number, labels: number, N: number, V: number, losses: number, dlogits: number, scale: number): void {
    const k = this.km.k;
    if (N * V < MIN_PARALLEL_ELEMS || N < 2 || !this.helper()) {
      k.softmaxXent(logits, labels, N, V, losses, dlogits, scale);
      return;
    }
    const r = N >> 1;
    const ints = [logits + r * V * 4, labels + r * 4, N - r, V, losses + r * 4, dlogits ? dlogits + r * V * 4 : 0];
    this.split(OP_XENT, ints, [scale], () => k.softmaxXent(logits, labels, r, V, losses, dlogits, scale), () => k.softmaxXent(ints[0], ints[1], ints[2], V, ints[4], ints[5], scale));
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
