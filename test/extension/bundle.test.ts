// The built bundles keep their layering: the extension host's bundle carries no tfjs (it loads in
// the worker, which does carry it), and the run page ships without the bench's round-trip hook.
// Reads dist/, so it needs `npm run build` first (npm test does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const dist = resolve(__dirname, '..', '..', 'dist');
function read(name: string): string {
  const p = resolve(dist, name);
  assert.ok(existsSync(p), `${p} is missing: run \`npm run build\` first.`);
  return readFileSync(p, 'utf8');
}
/** What any bundled copy of tfjs-core contains: its kernel registry and its version constant. */
const TFJS_MARKERS = ['registerKernel', 'version_core', '@tensorflow/tfjs-core'];

test('dist/extension.js contains no tfjs; dist/worker.js, which loads the engine, does', () => {
  const host = read('extension.js');
  for (const m of TFJS_MARKERS) assert.ok(!host.includes(m), `the extension bundle contains ${m}`);
  const worker = read('worker.js');
  assert.ok(TFJS_MARKERS.some((m) => worker.includes(m)), 'the markers find tfjs where it is');
});

test('the run page of a build without --bench has no rnnLabPing hook', () => {
  const page = read('webview/runPage.js');
  assert.ok(page.includes('Cancel training'), 'this is the run page');
  assert.ok(!page.includes('rnnLabPing'));
});
