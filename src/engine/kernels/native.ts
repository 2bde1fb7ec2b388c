/**
 * A native GEMM for the large products, where the platform has one: onnxruntime's CPU Gemm (MLAS:
 * AVX2/AVX-512/NEON FMA kernels and its own thread pool). WASM SIMD is 128 bits wide, so on an
 * AVX-512 core onnxruntime runs the same product about three times faster; the fused WASM kernels
 * keep the element-wise work and the recurrence.
 *
 * The binding is onnxruntime-node's prebuilt `onnxruntime_binding.node` with its libonnxruntime
 * beside it: in a platform .vsix under dist/native/<platform>-<arch>/ (scripts/package.mjs puts it
 * there), from source in node_modules/onnxruntime-node. Its synchronous `run` is called directly
 * (the package's InferenceSession wraps it in a promise; tfjs kernels are synchronous). Nothing is
 * downloaded. A missing or broken library (or RNN_LAB_NATIVE=off) leaves every product on WASM,
 * and kernelEngine() (kernels/parallel.ts) says why in its one line.
 *
 * Node-API cannot see into a SharedArrayBuffer, and the kernel module's memory is shared (its
 * helper threads work on it), so operands are staged through a private buffer: a copy in and out
 * costs a few percent of a product this size. The seq2seq output layer's training step (three
 * products around a softmax) runs as one graph, so its [N, V] logits never cross (outputLayer).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { Tensor, env as ortEnv } from 'onnxruntime-common';
import { gemmModel, outputLayerModel } from './onnxGemm';

interface OrtTensor {
  data: Float32Array;
}
interface OrtSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, unknown>, options: object): Record<string, OrtTensor>;
}
interface OrtBinding {
  initOrtOnce(logLevel: number, tensor: unknown, isMainThread: boolean): void;
  InferenceSession: new () => OrtSession;
}

/** Where the native GEMM came from, or why there is none. */
export type NativeStatus = { ok: true; name: string } | { ok: false; reason: string };

const BINDING = 'onnxruntime_binding.node';

/** The binding's candidate paths: beside the bundle (platform .vsix), then node_modules (from source). */
function bindingPaths(): string[] {
  const target = `${process.platform}-${process.arch}`;
  const paths = [join(__dirname, 'native', target, BINDING), join(dirname(__dirname), 'native', target, BINDING)];
  try {
    const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
    paths.push(join(pkg, 'bin', 'napi-v6', process.platform, process.arch, BINDING));
  } catch {
    // not installed: the bundle's copy or nothing
  }
  return paths;
}

/** C (+)= op(A)·B through onnxruntime, for the layouts it takes; see gemm(). */
export class NativeGemm {
  private readonly sessions = new Map<string, OrtSession>();
  private staging = new ArrayBuffer(0);

  constructor(private readonly binding: OrtBinding) {}

  private session(transposeA: boolean, accumulate: boolean, threads: number): OrtSession {
    return this.sessionOf(`${transposeA}/${accumulate}/${threads}`, () => gemmModel(transposeA, accumulate), threads);
  }

  private sessionOf(key: string, build: () => Uint8Array, threads: number): OrtSession {
    let s = this.sessions.get(key);
    if (!s) {
      s = new this.binding.InferenceSession();
      const model = build();
      s.loadModel(model.buffer, model.byteOffset, model.byteLength, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Spinning threads would steal the cores from the WASM helpers between products.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      this.sessions.set(key, s);
    }
    return s;
  }

  /** The private staging buffer, at least `floats` long. */
  private stage(floats: number): ArrayBuffer {
    if (this.staging.byteLength < floats * 4) this.staging = new ArrayBuffer(Math.ceil(floats * 1.25) * 4);
    return this.staging;
  }

  /**
   * The kernel gemm's contract (assembly/gemm.ts) over `memory`, for contiguous operands: B and C
   * row-major with ldb = ldc = N, and A row-major (sAi = K, sAk = 1) or transposed (sAi = 1,
   * sAk = M, the weight gradients' xᵀ·dy). Returns false, touching nothing, for any other layout.
   */
  gemm(memory: ArrayBufferLike, threads: number, c: number, ldc: number, a: number, sAi: number, sAk: number, b: number, ldb: number, M: number, K: number, N: number, accumulate: boolean): boolean {
    const transposeA = sAi === 1 && sAk === M && M > 1;
    if (!(ldb === N && ldc === N && (transposeA || (sAk === 1 && sAi === K)))) return false;
    const buf = this.stage(M * K + K * N + (accumulate ? 2 : 1) * M * N);
    const A = new Float32Array(buf, 0, M * K);
    const B = new Float32Array(buf, M * K * 4, K * N);
    const Y = new Float32Array(buf, (M * K + K * N) * 4, M * N);
    A.set(new Float32Array(memory, a, M * K));
    B.set(new Float32Array(memory, b, K * N));
    const out = new Float32Array(memory, c, M * N);
    const feeds: Record<string, unknown> = {
      A: new Tensor('float32', A, transposeA ? [K, M] : [M, K]),
      B: new Tensor('float32', B, [K, N]),
    };
    if (accumulate) {
      const C = new Float32Array(buf, (M * K + K * N + M * N) * 4, M * N);
      C.set(out);
      feeds.C = new Tensor('float32', C, [M, N]);
    }
    // Y is preallocated in the staging buffer: onnxruntime writes it there, allocating nothing.
    this.session(transposeA, accumulate, threads).run(feeds, { Y: new Tensor('float32', Y, [M, N]) }, {});
    out.set(Y);
    return true;
  }

  /**
   * The output layer's forward and backward with its softmax cross-entropy in one onnxruntime
   * call (onnxGemm.ts's outputLayerModel), over `memory`: x [N, H] at px, Wᵀ [H, V] at pwt, b [V]
   * at pb, labels (all in [0, V)); writes dx [N, H], dWᵀ [H, V], db [V] (each ×scale) and returns
   * the sum of the rows' losses, as projectedCrossEntropyRun and projectionBackwardRun do. Null,
   * touching nothing, when onnxruntime cannot load or run the graph (then never again this process,
   * and outputLayerError says why; kernelEngine's line too): the caller runs the separate kernels.
   */
  outputLayer(memory: ArrayBufferLike, threads: number, px: number, pwt: number, pb: number, labels: Int32Array, N: number, H: number, V: number, scale: number, out: { dx: number; dwt: number; db: number }): number | null {
    if (this.outputLayerError !== null) return null;
    // The int64 labels first (8-byte aligned at the buffer's start: 2N floats), then the floats.
    const buf = this.stage(2 * N + 2 * N * H + 2 * H * V + 2 * V + N);
    const L = new BigInt64Array(buf, 0, N);
    let at = 2 * N;
    const view = (n: number) => {
      const v = new Float32Array(buf, at * 4, n);
      at += n;
      return v;
    };
    const X = view(N * H), WT = view(H * V), Bv = view(V);
    const DX = view(N * H), DWT = view(H * V), DB = view(V), LPL = view(N);
    X.set(new Float32Array(memory, px, N * H));
    WT.set(new Float32Array(memory, pwt, H * V));
    if (pb) Bv.set(new Float32Array(memory, pb, V));
    else Bv.fill(0);
    for (let i = 0; i < N; i++) L[i] = BigInt(labels[i]);
    const feeds = {
      X: new Tensor('float32', X, [N, H]),
      WT: new Tensor('float32', WT, [H, V]),
      Bv: new Tensor('float32', Bv, [V]),
      L: new Tensor('int64', L, [N, 1]),
      S: new Tensor('float32', Float32Array.of(scale), [1]),
      ONE: new Tensor('float32', Float32Array.of(1), [1]),
      AX: new Tensor('int64', BigInt64Array.of(0n), [1]),
    };
    const fetches = {
      LPL: new Tensor('float32', LPL, [N, 1]),
      DWT: new Tensor('float32', DWT, [H, V]),
      DX: new Tensor('float32', DX, [N, H]),
      DB: new Tensor('float32', DB, [V]),
    };
    try {
      this.sessionOf(`output/${threads}`, outputLayerModel, threads).run(feeds, fetches, {});
    } catch (e) {
      this.outputLayerError = (e as Error).message.split('\n')[0];
      return null;
    }
    new Float32Array(memory, out.dx, N * H).set(DX);
    new Float32Array(memory, out.dwt, H * V).set(DWT);
    if (out.db) new Float32Array(memory, out.db, V).set(DB);
    let total = 0;
    for (let i = 0; i < N; i++) total -= LPL[i];
    return total;
  }

  /** Why onnxruntime could not load or run the output layer's graph (null: it can, or it was not tried). */
  outputLayerError: string | null = null;
}

/**
 * A [5, 7]ᵀ·[5, 9] + C product against float64 sums. Catches a library that loads but computes
 * wrongly (a wrong build for the CPU, say).
 */
function selfCheck(g: NativeGemm): boolean {
  const M = 7, K = 5, N = 9;
  const mem = new ArrayBuffer((K * M + K * N + M * N) * 4);
  const a = new Float32Array(mem, 0, K * M);
  const b = new Float32Array(mem, K * M * 4, K * N);
  const c = new Float32Array(mem, (K * M + K * N) * 4, M * N).fill(0.5);
  a.set(a.map((_, i) => Math.sin(i)));
  b.set(b.map((_, i) => Math.cos(i)));
  if (!g.gemm(mem, 1, c.byteOffset, N, 0, 1, M, b.byteOffset, N, M, K, N, true)) return false;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let ref = 0.5;
      for (let k = 0; k < K; k++) ref += a[k * M + i] * b[k * N + j];
      if (!(Math.abs(c[i * N + j] - ref) < 1e-5)) return false;
    }
  }
  return true;
}

let loaded: { gemm: NativeGemm | null; status: NativeStatus } | null = null;

function load(): { gemm: NativeGemm | null; status: NativeStatus } {
  if (process.env.RNN_LAB_NATIVE === 'off') return { gemm: null, status: { ok: false, reason: 'turned off by RNN_LAB_NATIVE=off' } };
  const path = bindingPaths().find((p) => existsSync(p));
  if (!path) return { gemm: null, status: { ok: false, reason: `none for ${process.platform}-${process.arch} in this install` } };
  try {
    const binding = require(path) as OrtBinding;
    binding.initOrtOnce(3, Tensor, isMainThread); // log level 3: errors only
    const gemm = new NativeGemm(binding);
    if (!selfCheck(gemm)) return { gemm: null, status: { ok: false, reason: `onnxruntime at ${path} computed a test product wrongly` } };
    return { gemm, status: { ok: true, name: `onnxruntime ${ortEnv.versions.common}` } };
  } catch (e) {
    return { gemm: null, status: { ok: false, reason: `onnxruntime at ${path} did not load: ${(e as Error).message.split('\n')[0]}` } };
  }
}

/** The process-wide native GEMM, loaded on first use; null when there is none (see nativeStatus). */
export function nativeGemm(): NativeGemm | null {
  loaded ??= load();
  return loaded.gemm;
}

export function nativeStatus(): NativeStatus {
  loaded ??= load();
  return loaded.status;
}
