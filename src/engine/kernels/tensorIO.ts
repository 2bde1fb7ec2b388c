/**
 * Moving tensor data between tfjs backends and the kernel module with as few copies as possible.
 *
 * For lab 11-4's shapes a training step is ~1 ms of arithmetic, and the generic route (readSync,
 * which copies out of the wasm heap, then `write`, which copies back in) cost about as much again.
 * On the wasm backend we read and write its heap through views (one copy each way); on cpu we use
 * the arrays it stores. Any other backend (tfjs-node) takes the generic, copying route.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmLike {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
}

function asWasm(backend: KernelBackend): WasmLike | null {
  const b = backend as unknown as Partial<WasmLike>;
  return typeof b.typedArrayFromHeap === 'function' && typeof b.makeOutput === 'function' ? (b as WasmLike) : null;
}

function isCpu(backend: KernelBackend): boolean {
  return backend === tf.findBackend('cpu');
}

/**
 * The tensor's values as a Float32Array that may alias backend memory: read it before running
 * another tfjs op, and never write to it.
 */
export function peek(backend: KernelBackend, t: TensorInfo): Float32Array {
  const w = asWasm(backend);
  if (w) return w.typedArrayFromHeap(t);
  return backend.readSync(t.dataId) as Float32Array;
}

/** A new float32 tensor of `shape` holding a copy of `src`. */
export function emit(backend: KernelBackend, shape: number[], src: Float32Array): TensorInfo {
  const w = asWasm(backend);
  if (w) {
    const out = w.makeOutput(shape, 'float32');
    w.typedArrayFromHeap(out).set(src);
    return out;
  }
  // cpu keeps the array it is given, so it must own it.
  return { dataId: backend.write(src.slice(), shape, 'float32'), shape, dtype: 'float32' };
}

/**
 * Give a variable new values. Optimisers call this once per variable per step.
 *
 * On wasm the values go into a fresh tensor that the variable is assigned (one copy): never into
 * the variable's buffer in place, because tfjs-backend-wasm caches each XNNPACK matmul operator,
 * with its right-hand matrix packed inside, under that tensor's id; an in-place update would leave
 * later products multiplying by the old weights. Disposing the old buffer (which assign does)
 * drops its cache entries. On cpu, which caches nothing, an unshared buffer is updated in place.
 */
export function overwrite(v: tf.Variable, src: Float32Array): void {
  const backend = tf.backend();
  if (v.dtype === 'float32' && isCpu(backend) && backend.refCount(v.dataId) === 1) {
    (backend.readSync(v.dataId) as Float32Array).set(src);
    return;
  }
  const t = tf.engine().makeTensorFromTensorInfo(emit(backend, v.shape, src));
  v.assign(t);
  t.dispose();
}
