/**
 * Host side of the SIMD kernel module (src/engine/kernels/assembly, compiled by scripts/build.mjs).
 *
 * The module comes in two builds: SIMD128, which every current runtime runs, and relaxed SIMD,
 * whose multiply-adds are fused (FMA). Current Electron (VS Code) and Node 22 have relaxed SIMD;
 * Node 20 only behind --experimental-wasm-relaxed-simd, which this file turns on in its own
 * process before compiling (V8 reads wasm feature flags at validation and compile time; on the
 * development machine's Xeon the relaxed build's GEMM is 20–30% faster under Node 20's V8 11.3).
 * The relaxed build is used where WebAssembly.validate accepts it and a small product comes out
 * right (relaxed_madd may be fused or not, so the check allows either rounding); otherwise, or
 * with RNN_LAB_RELAXED_SIMD=off (for a CPU where V8's relaxed_madd is the slower), SIMD128.
 *
 * The module owns no memory management: this file lays out its linear memory. Two regions:
 *  - persistent blocks (optimizer moments, flat parameter copies) from a small first-fit free list;
 *  - a scratch stack above them, reset at the start of every kernel call.
 * Views into memory are made only after every allocation of a call, because growing the memory
 * detaches earlier ArrayBuffer views.
 */
import { setFlagsFromString } from 'node:v8';
import { kernelsRelaxedWasmBase64, kernelsWasmBase64 } from './generated/kernelsWasm';

export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(c: number, ldc: number, a: number, sAi: number, sAk: number, b: number, ldb: number, M: number, K: number, N: number, accumulate: boolean): void;
  transpose(dst: number, src: number, rows: number, cols: number): void;
  colSum(out: number, x: number, rows: number, cols: number, accumulate: boolean): void;
  addRowVector(y: number, bias: number, rows: number, cols: number): void;
  zero(dst: number, n: number): void;
  copy(dst: number, src: number, n: number): void;
  lstmPrepare(...args: number[]): void;
  lstmSteps(...args: number[]): void;
  lstmBackSteps(...args: number[]): void;
  gruForward(...args: (number | boolean)[]): void;
  gruBackward(...args: (number | boolean)[]): void;
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number, weightDecay: number): void;
  sgd(p: number, g: number, n: number, lr: number, weightDecay: number): void;
  sumSquares(g: number, n: number): number;
  scale(g: number, n: number, s: number): void;
  denseMseForward(x: number, w: number, b: number, y: number, B: number, H: number, O: number, diff: number): number;
  denseMseBackward(diff: number, x: number, w: number, B: number, H: number, O: number, scale: number, dx: number, dw: number, db: number, dy: number): void;
  softmaxXent(logits: number, labels: number, N: number, V: number, losses: number, dlogits: number, scale: number): void;
}

const PAGE = 65536;
const ALIGN = 16;
const SLACK = 64;

function alignUp(n: number): number {
  return (n + ALIGN - 1) & ~(ALIGN - 1);
}

/** A persistent block of `length` floats at byte offset `ptr`. */
export interface Block {
  readonly ptr: number;
  readonly length: number;
}

/** Which build of the kernel module runs: fused multiply-adds (relaxed SIMD) or SIMD128. */
export type KernelVariant = 'relaxed-simd' | 'simd128';

const VARIANT_BYTES: Record<KernelVariant, string> = { 'relaxed-simd': kernelsRelaxedWasmBase64, simd128: kernelsWasmBase64 };

/**
 * True when this runtime accepts the relaxed-SIMD build: Node 22, current Electron and Chromium,
 * and Node 20 once its flag is on (turned on here, for this process, the first time it is needed).
 */
export function relaxedSimdSupported(): boolean {
  if (relaxed === null) {
    const bytes = Buffer.from(kernelsRelaxedWasmBase64, 'base64');
    if (!WebAssembly.validate(bytes)) setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxed = WebAssembly.validate(bytes);
  }
  return relaxed;
}
let relaxed: boolean | null = null;

/**
 * The module compiled by V8's optimising compiler (TurboFan) from the start. By default V8 first
 * compiles with its baseline compiler (Liftoff) and tiers a function up once it is hot: at lab
 * 11-4's 0.7 ms steps the kernels ran at Liftoff speed for the first 25–50 steps, 20–30 ms of a
 * 500-step run (epochs 10 to 25 took 25–40 ms with tier-up, 13–23 ms compiled up front; a first
 * 256³ product 4.5 ms against 1.8–2.2). The module is 20 KB,
 * so compiling it fully costs little. The flag is V8's process-wide one, turned off only around
 * this compilation (as wasm feature flags are read at compile time) and back on for every other
 * module (TensorFlow.js's WASM backend keeps its baseline start). Only in plain Node (the CLI,
 * the benches, code-server's extension host): Electron may freeze V8's flags after start-up,
 * where setting one aborts the process, so VS Code's extension host keeps V8's tier-up.
 */
function compileOptimized(bytes: BufferSource): WebAssembly.Module {
  if (process.versions.electron) return new WebAssembly.Module(bytes);
  setFlagsFromString('--no-liftoff');
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    setFlagsFromString('--liftoff');
  }
}

/** Activation stashes kept for backward passes not yet run; beyond this the oldest is dropped. */
const MAX_STASHES = 64;

export class KernelModule {
  readonly k: KernelExports;
  private readonly memory: WebAssembly.Memory;
  /** End of the persistent region (start of scratch). */
  private persistentTop: number;
  /** Free persistent ranges, sorted by address, adjacent ranges merged. */
  private free: { ptr: number; bytes: number }[] = [];
  private scratchTop = 0;
  private stashes = new Map<number, Block>();
  private nextStash = 1;

  /** The compiled module and its shared memory, for helper threads (kernels/parallel.ts). */
  readonly module: WebAssembly.Module;

  constructor(readonly variant: KernelVariant = 'simd128') {
    if (variant === 'relaxed-simd' && !relaxedSimdSupported()) throw new Error('This runtime has no WebAssembly relaxed SIMD: use the simd128 kernels.');
    const bytes = Buffer.from(VARIANT_BYTES[variant], 'base64');
    // Shared (a SharedArrayBuffer underneath) so a helper thread can work on the same buffers.
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
    this.module = compileOptimized(bytes);
    const inst = new WebAssembly.Instance(this.module, {
      env: {
        memory: this.memory,
        abort: () => {
          throw new Error('kernel abort');
        },
        // Large products inside kernels go to the host's GEMM (the thread pool, once
        // kernels/parallel.ts has registered it), else straight back to the kernel's own.
        pgemm: (c: number, ldc: number, a: number, sAi: number, sAk: number, b: number, ldb: number, M: number, K: number, N: number, acc: number) =>
          hostGemm ? hostGemm(c, ldc, a, sAi, sAk, b, ldb, M, K, N, acc !== 0) : this.k.gemm(c, ldc, a, sAi, sAk, b, ldb, M, K, N, acc !== 0),
      },
    });
    this.k = { ...(inst.exports as unknown as KernelExports), memory: this.memory };
    this.persistentTop = alignUp(this.k.heapBase());
  }

  private ensure(byteEnd: number): void {
    const have = this.memory.buffer.byteLength;
    if (byteEnd > have) this.memory.grow(Math.ceil((byteEnd - have) / PAGE));
  }

  /** Start a kernel call: all scratch from the previous call is released. */
  beginScratch(): void {
    this.scratchTop = this.persistentTop;
  }

  /**
   * Scratch space for `n` floats (or int32s), valid until the next beginScratch. Memory always
   * extends at least SLACK bytes past the last buffer: the GEMM's partial column groups read up to
   * 3 floats past the end of a row (never storing them).
   */
  scratch(n: number): number {
    const ptr = this.scratchTop;
    this.scratchTop = alignUp(ptr + Math.max(n, 1) * 4);
    this.ensure(this.scratchTop + SLACK);
    return ptr;
  }

  /** `n` zeroed floats of scratch (valid until the next beginScratch). */
  zeros(n: number): number {
    const ptr = this.scratch(n);
    this.k.zero(ptr, n);
    return ptr;
  }

  /** Copy `src` into fresh scratch and return its pointer. */
  put(src: ArrayLike<number> & { length: number }, asInt = false): number {
    const ptr = this.scratch(src.length);
    if (asInt) new Int32Array(this.memory.buffer, ptr, src.length).set(src);
    else new Float32Array(this.memory.buffer, ptr, src.length).set(src);
    return ptr;
  }

  /**
   * A persistent block that survives kernel calls until released; zero-filled unless `zero` is
   * false. Never call between beginScratch and the end of that call's use of scratch: the
   * persistent region may grow into it.
   */
  allocBlock(length: number, zero = true): Block {
    const bytes = alignUp(Math.max(length, 1) * 4);
    const i = this.free.findIndex((f) => f.bytes >= bytes);
    let ptr: number;
    if (i >= 0) {
      ptr = this.free[i].ptr;
      const rest = this.free[i].bytes - bytes;
      if (rest > 0) this.free[i] = { ptr: ptr + bytes, bytes: rest };
      else this.free.splice(i, 1);
    } else {
      ptr = this.persistentTop;
      this.persistentTop += bytes;
      this.ensure(this.persistentTop + SLACK);
    }
    if (zero) this.k.zero(ptr, length);
    return { ptr, length };
  }

  releaseBlock(b: Block): void {
    const range = { ptr: b.ptr, bytes: alignUp(Math.max(b.length, 1) * 4) };
    let i = 0;
    while (i < this.free.length && this.free[i].ptr < range.ptr) i++;
    this.free.splice(i, 0, range);
    // merge with the neighbours
    if (i + 1 < this.free.length && range.ptr + range.bytes === this.free[i + 1].ptr) {
      range.bytes += this.free[i + 1].bytes;
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1].ptr + this.free[i - 1].bytes === range.ptr) {
      this.free[i - 1].bytes += range.bytes;
      this.free.splice(i, 1);
      i--;
    }
    // a free range at the top gives its memory back to scratch
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.bytes === this.persistentTop) {
      this.persistentTop = last.ptr;
      this.free.pop();
    }
  }

  /**
   * Keep `length` floats for a backward pass (not zero-filled). Returns an id for stashPtr. A
   * recorded forward whose backward never runs would hold its stash forever, so past
   * MAX_STASHES the oldest is dropped (stashPtr then reports it).
   */
  stash(length: number): { id: number; ptr: number } {
    while (this.stashes.size >= MAX_STASHES) {
      const [oldest, block] = this.stashes.entries().next().value as [number, Block];
      this.stashes.delete(oldest);
      this.releaseBlock(block);
    }
    const block = this.allocBlock(length, false);
    const id = this.nextStash++;
    this.stashes.set(id, block);
    return { id, ptr: block.ptr };
  }

  /** The stash's pointer, for the one backward pass that consumes it (then releaseStash). */
  stashPtr(id: number): number {
    const b = this.stashes.get(id);
    if (!b) throw new Error(`RNN activations ${id} were released before their backward pass (more than ${MAX_STASHES} recorded forward passes without backward, or a second backward through the same op).`);
    return b.ptr;
  }

  releaseStash(id: number): void {
    const b = this.stashes.get(id);
    if (b) {
      this.stashes.delete(id);
      this.releaseBlock(b);
    }
  }

  /** Stashes waiting for a backward pass (tests check this returns to 0). */
  get pendingStashes(): number {
    return this.stashes.size;
  }

  /** A Float32Array view; make it after the call's allocations (growth detaches views). */
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** A copy of `n` floats at `ptr` in plain memory (TypedArray.slice of shared memory is ~4× slower). */
  read(ptr: number, n: number): Float32Array {
    const out = new Float32Array(n);
    out.set(this.f32(ptr, n));
    return out;
  }

  /** A Float64Array view of `n` float64s at `ptr` (8-byte aligned: scratch and blocks are); made as f32's. */
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, n);
  }

  /** A copy of `n` float64s at `ptr` in plain memory. */
  readF64(ptr: number, n: number): Float64Array {
    const out = new Float64Array(n);
    out.set(this.f64(ptr, n));
    return out;
  }

  get sharedMemory(): WebAssembly.Memory {
    return this.memory;
  }

  /** Bytes of linear memory in use (for leak checks). */
  get bytesReserved(): number {
    return this.persistentTop;
  }
}

type GemmFn = (c: number, ldc: number, a: number, sAi: number, sAk: number, b: number, ldb: number, M: number, K: number, N: number, accumulate: boolean) => void;
let hostGemm: GemmFn | null = null;

/** Where kernels send their large products (kernels/parallel.ts registers its pool). */
export function setHostGemm(f: GemmFn | null): void {
  hostGemm = f;
}

/**
 * A [4, K]·[K, 12] product (the 8-column micro-kernel and a 4-column edge) against float64 sums:
 * whole numbers below 2²⁴ must be exact, and a fractional product within float32 rounding of K
 * terms. Catches a runtime that validates relaxed SIMD but computes it wrongly.
 */
export function selfCheck(km: KernelModule): boolean {
  const M = 4, K = 37, N = 12;
  for (const [fa, fb, tol] of [
    [(i: number) => ((i * 7) % 5) - 2, (i: number) => ((i * 3) % 7) - 3, 0],
    [(i: number) => Math.sin(i), (i: number) => Math.cos(0.3 * i), 1e-5],
  ] as const) {
    km.beginScratch();
    const a = km.put(Float32Array.from({ length: M * K }, (_, i) => fa(i)));
    const b = km.put(Float32Array.from({ length: K * N }, (_, i) => fb(i)));
    const c = km.scratch(M * N);
    km.k.gemm(c, N, a, K, 1, b, N, M, K, N, false);
    const av = km.f32(a, M * K), bv = km.f32(b, K * N), cv = km.f32(c, M * N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let ref = 0;
        for (let k = 0; k < K; k++) ref += av[i * K + k] * bv[k * N + j];
        if (!(Math.abs(cv[i * N + j] - ref) <= tol * Math.max(1, Math.abs(ref)))) return false;
      }
    }
  }
  return true;
}

/** The relaxed-SIMD module where the runtime has it and it passes selfCheck, else SIMD128. */
function bestModule(): KernelModule {
  if (process.env.RNN_LAB_RELAXED_SIMD !== 'off' && relaxedSimdSupported()) {
    try {
      const km = new KernelModule('relaxed-simd');
      if (selfCheck(km)) return km;
    } catch {
      // fall back to SIMD128
    }
  }
  return new KernelModule('simd128');
}

let instance: KernelModule | null = null;

/** The process-wide kernel module, instantiated on first use (synchronously: it is 19 KB). */
export function kernels(): KernelModule {
  if (!instance) instance = bestModule();
  return instance;
}
