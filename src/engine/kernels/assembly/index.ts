// Entry point of the SIMD kernel module. Every kernel works on raw pointers into linear memory that
// the TypeScript side (src/engine/kernels/wasm.ts) lays out; nothing here allocates.
export { gemm, transpose, colSum, addRowVector, zero, copy } from './gemm';
export { lstmPrepare, lstmSteps, lstmBackSteps, gruForward, gruBackward } from './rnn';
export { adam, sgd, sumSquares, scale } from './optim';
export { softmaxXent } from './xent';
export { denseMseForward, denseMseBackward } from './head';

/** First byte free for the host's buffers (after static data). */
export function heapBase(): usize {
  return __heap_base;
}
