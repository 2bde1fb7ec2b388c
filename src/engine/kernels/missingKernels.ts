/**
 * Kernels that tfjs-backend-wasm 4.22 lacks but our models need. UnsortedSegmentSum is the
 * gradient of gather, so without it nothing that gathers (embeddings, packing) can train on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

function unsortedSegmentSum({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs?: NamedAttrMap }): TensorInfo {
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

let done = false;

export function registerMissingKernels(): void {
  if (done) return;
  done = true;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
  }
}
