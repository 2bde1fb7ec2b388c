/**
 * Backend selection. WASM (XNNPACK, SIMD) is the default: it ships inside its npm package, installs
 * offline and serves every platform. tfjs-node is used when the user has installed it (its install
 * script downloads libtensorflow, so nothing here requires it). CPU is the pure-JS fallback.
 */
import * as tf from '@tensorflow/tfjs-core';
// A named import whose value is used (versions() below), not a bare import: the package's
// `sideEffects` list omits the file esbuild resolves for Node, so an unused import is dropped from
// the bundle, and with it the registration of the cpu backend.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients; the union package does this import for its users.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RnnLabError } from './errors';
import { opt, text } from '../shared/errors';
import { registerWasmKernels } from './kernels/wasmKernels';
import { registerRnnKernels } from './kernels/rnnKernels';
import { setThreads } from './kernels/parallel';

import type { BackendName } from '../shared/names';
export type { BackendName } from '../shared/names';

/** Versions of the tfjs pieces in use, for `rnn-lab --version` and error reports. */
export function versions(): { tfjsCore: string; tfjsBackendCpu: string } {
  return { tfjsCore: tf.version_core, tfjsBackendCpu: version_cpu };
}
export const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'tensorflow', 'cpu'];

/** True when `@tensorflow/tfjs-node` can be loaded and shares our tfjs-core (so its kernels register with us). */
export function tfjsNodeAvailable(): boolean {
  try {
    // Resolve, don't load: loading it pulls in libtensorflow, which is only worth it if chosen.
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

function loadTfjsNode(): boolean {
  try {
    require('@tensorflow/tfjs-node');
    return tf.findBackend('tensorflow') !== null;
  } catch {
    return false;
  }
}

/**
 * The tfjs wasm binaries sit beside the bundle (dist/, copied by scripts/build.mjs), one folder up
 * for dist/engine/index.js, or in node_modules when running from source.
 */
function locateTfjsWasm(): void {
  for (const dir of [__dirname, dirname(__dirname)]) {
    if (existsSync(join(dir, 'tfjs-backend-wasm-simd.wasm'))) {
      setWasmPaths(dir + '/');
      return;
    }
  }
}

let active: Promise<string> | null = null;
let activeRequest: BackendName | 'auto' | null = null;

/**
 * Make a backend current and return its name. `auto` prefers tfjs-node when installed, then WASM,
 * then CPU. Asking for a backend that cannot start is an error that says what to do. `threads` is
 * how many threads the large products use: 0 or undefined for every core.
 */
export function initBackend(requested: BackendName | 'auto' = 'auto', threads?: number): Promise<string> {
  setThreads(threads);
  if (active && activeRequest === requested) return active;
  activeRequest = requested;
  registerWasmKernels();
  registerRnnKernels();
  locateTfjsWasm();
  active = (async () => {
    const order: BackendName[] =
      requested === 'auto' ? (tfjsNodeAvailable() ? ['tensorflow', 'wasm', 'cpu'] : ['wasm', 'cpu']) : [requested];
    for (const name of order) {
      if (name === 'tensorflow' && !loadTfjsNode()) continue;
      try {
        if (await tf.setBackend(name)) {
          await tf.ready();
          if (name === 'cpu') {
            // The cpu backend prints a banner recommending tfjs-node on its first write in Node.
            // We already report the backend in use and say how to get tfjs-node; keep stdout clean.
            (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
          }
          return tf.getBackend();
        }
      } catch {
        // fall through to the next candidate
      }
    }
    active = null;
    if (requested === 'tensorflow') {
      throw new RnnLabError('BACKEND', 'The tensorflow backend needs @tensorflow/tfjs-node, which is not installed.', text`Install it with \`npm install @tensorflow/tfjs-node\`, or use ${opt('backend', 'wasm')}.`, {}, { suggest: { option: 'backend', value: 'wasm' } });
    }
    const v = versions();
    throw new RnnLabError('BACKEND', `Could not start the ${requested} backend (tfjs-core ${v.tfjsCore}, cpu ${v.tfjsBackendCpu}).`, requested === 'cpu' ? 'Reinstall RNN Lab.' : text`Try ${opt('backend', 'cpu')}.`, {}, { option: 'backend' });
  })();
  return active;
}

/** Live tfjs tensors: constant from epoch to epoch when nothing leaks (bench and tests watch it). */
export function tensorCount(): number {
  return tf.memory().numTensors;
}

/** Name of the backend in use, or null before initBackend. */
export function currentBackend(): string | null {
  return active ? tf.getBackend() : null;
}
