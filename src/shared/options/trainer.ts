/**
 * The trainer's options, shared by every flow (minGPT's trainer config: defined once, reused by
 * each model). A flow's table takes these entries and changes only what differs for it (the
 * forecast's full-batch default and its words; the course's 500 epochs).
 */
import { defineOptions } from './spec';

export const TRAINER_OPTIONS = defineOptions({
  epochs: { type: 'int', min: 1, max: 1_000_000, label: 'Epochs', help: 'Passes over the training data.', flag: 'epochs' },
  batchSize: { type: 'int', min: 1, max: 1_000_000, label: 'Batch size', help: 'Examples per optimiser step.', flag: 'batch-size' },
  lr: {
    type: 'number',
    min: 0,
    max: 10,
    minExclusive: true,
    maxExclusive: true,
    default: 0.01,
    label: 'Learning rate',
    help: 'Optimiser step size.',
    flag: 'lr',
  },
  clipNorm: { type: 'number', min: 0, max: 1_000_000, default: 0, label: 'Clip norm', help: 'Clip the global gradient norm to this value; 0 turns clipping off.', flag: 'clip-norm' },
  patience: {
    type: 'int',
    min: 0,
    max: 1_000_000,
    default: 0,
    label: 'Patience',
    help: 'Epochs without validation improvement before stopping; 0 turns early stopping off.',
    flag: 'patience',
  },
  seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 0, label: 'Seed', help: 'Seed for weights and shuffling: the same seed gives the same numbers.', flag: 'seed', setting: 'seed', form: true },
  backend: {
    type: 'enum',
    choices: [
      { value: 'auto', label: 'Automatic', help: 'tfjs-node when installed, else WebAssembly, else pure JavaScript.' },
      { value: 'wasm', label: 'WebAssembly', help: 'WebAssembly (XNNPACK, SIMD); ships with the extension.' },
      { value: 'tensorflow', label: 'TensorFlow', help: '@tensorflow/tfjs-node, when installed.' },
      { value: 'cpu', label: 'JavaScript', help: 'Pure JavaScript: slowest, always available.' },
    ],
    default: 'auto',
    label: 'Backend',
    help: 'Where training runs.',
    flag: 'backend',
    setting: 'backend',
  },
  threads: {
    type: 'int',
    min: 0,
    max: 256,
    default: 0,
    label: 'Threads',
    help: 'Threads for the large matrix products; 0 uses every core, as PyTorch\'s BLAS does.',
    flag: 'threads',
    setting: 'threads',
  },
});
