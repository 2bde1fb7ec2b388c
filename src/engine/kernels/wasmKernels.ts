/**
 * Fixes for tfjs-backend-wasm 4.22, registered once at start-up:
 *  - UnsortedSegmentSum is missing. It is the gradient of gather, so without it nothing that
 *    gathers (embeddings, packing) can train on wasm.
 *  - Slice copies the whole input out of the wasm heap (readSync) to take any slice, so slicing a
 *    few rows off a large tensor costs as much as copying all of it. Contiguous slices here copy
 *    just the slice, heap to heap; every other case goes to the original kernel.
 *  - Identity (behind tensor.clone(), which the engine calls to save tensors for backward) copies
 *    the data; tensors are immutable and the backend counts references, so like the cpu backend
 *    we share the buffer instead. (Optimisers that update a variable in place check its
 *    reference count first: see tensorIO.overwrite.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap };

interface WasmHeap {
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
}

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, segmentIds } = inputs as Record<string, TensorInfo>;
  const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
  const xs = backend.readSync(x.dataId) as Float32Array;
  const ids = backend.readSync(segmentIds.dataId) as Int32Array;
  const rows = ids.length;
  const width = rows === 0 ? 0 : xs.length / rows;
  const out = new Float32Array(numSegments * width);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue; // tf semantics: out-of-range ids are dropped
    const o = s * width;
    const i = r * width;
    for (let j = 0; j < width; j++) out[o + j] += xs[i + j];
  }
  const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  return { dataId: backend.write(out, shape, 'float32'), shape, dtype: 'float32' };
}

function makeSlice(original: tf.KernelFunc) {
  return (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const x = (inputs as Record<string, TensorInfo>).x;
    const { begin, size } = attrs as unknown as { begin: number[]; size: number[] };
    if (x.dtype !== 'string') {
      const [b, s] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
      if (tf.slice_util.isSliceContinous(x.shape, b, s)) {
        const heap = backend as unknown as WasmHeap;
        const offset = tf.slice_util.computeFlatOffset(b, tf.util.computeStrides(x.shape));
        const n = tf.util.sizeFromShape(s);
        const out = heap.makeOutput(s, x.dtype);
        // Views are taken after makeOutput, which may grow (and so detach) the heap.
        heap.typedArrayFromHeap(out).set(heap.typedArrayFromHeap(x).subarray(offset, offset + n));
        return out;
      }
    }
    return (original as unknown as (a: KernelArgs) => TensorInfo)(args);
  };
}

function identity({ inputs, backend }: KernelArgs): TensorInfo {
  const x = (inputs as Record<string, TensorInfo>).x;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let done = false;

export function registerWasmKernels(): void {
  if (done) return;
  done = true;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
  }
  const id = tf.getKernel('Identity', 'wasm');
  if (id) {
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity as unknown as tf.KernelFunc });
  }
  const slice = tf.getKernel('Slice', 'wasm');
  if (slice) {
    tf.unregisterKernel('Slice', 'wasm');
    tf.registerKernel({ ...slice, kernelFunc: makeSlice(slice.kernelFunc) as unknown as tf.KernelFunc });
  }
}
