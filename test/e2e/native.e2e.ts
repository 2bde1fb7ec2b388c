/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser.)
/**
 * The platform .vsix in a real VS Code: its onnxruntime binding loads inside the extension host's
 * training worker, a Batched seq2seq epoch on kor-eng.txt (hidden 256: its output projection and
 * per-step products go native) trains to the end, and the log's kernels line names onnxruntime.
 * `npm run test:e2e` packages the linux-x64 .vsix beside the universal one on Linux x64 and sets
 * RNN_LAB_VSIX_NATIVE; elsewhere this file is skipped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { cspViolations, errorNotifications, examples, extensionLog, findFrame, launch, paletteOnceRegistered, quickPick, typeInto, waitFor, type Env } from './harness';

const vsix = process.env.RNN_LAB_VSIX_NATIVE;
const entry = process.env.CODE_SERVER_ENTRY;

describe('the platform .vsix: the native GEMM in code-server', { skip: !vsix || !entry ? 'set RNN_LAB_VSIX_NATIVE and CODE_SERVER_ENTRY (npm run test:e2e does on Linux x64)' : false }, () => {
  let env: Env;

  before(async () => {
    env = await launch({ vsix: vsix!, entry: entry! });
    copyFileSync(join(examples, 'kor-eng.txt'), join(env.workspace, 'kor-eng.txt'));
  });

  after(async () => {
    await env?.close();
  });

  test('a Batched epoch on kor-eng.txt trains on onnxruntime and ends with its figures', { timeout: 300_000 }, async () => {
    const { page } = env;
    await paletteOnceRegistered(page, 'RNN Lab: Train Seq2Seq');
    await quickPick(page, 'kor-eng.txt');
    const setup = await findFrame(page, 'body[data-ready="true"] #f-epochs', 60_000);
    await setup.evaluate(() => {
      const preset = document.getElementById('preset') as HTMLElement & { value: string };
      preset.value = 'batched';
      preset.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await waitFor(async () => (await setup.evaluate(() => (document.getElementById('f-hidden') as HTMLElement & { value: string }).value)) === '256', 10_000, 'the Batched preset did not fill the form');
    await typeInto(page, setup, 'f-epochs', '1');
    await setup.locator('#start').click();

    const run = await findFrame(page, 'body[data-phase] #loss-plot', 60_000);
    const end = await waitFor(
      async () => run.evaluate(() => (document.body.dataset.phase && document.body.dataset.phase !== 'training' ? { phase: document.body.dataset.phase, status: document.getElementById('status')?.textContent ?? '' } : null)),
      240_000,
      'the epoch did not finish',
      500,
    );
    assert.equal(end.phase, 'done', end.status);
    assert.match(end.status, /token accuracy \d+\.\d%/);
    const log = extensionLog(env.userDataDir) ?? '';
    // "Backend wasm, kernels WASM relaxed SIMD (FMA), 2 threads; large products on onnxruntime 1.30.0; … training pairs"
    const kernels = /kernels (.*)$/m.exec(log)?.[1] ?? '';
    assert.match(kernels, /; large products on onnxruntime \d+\.\d+\.\d+;/, `the kernels line: ${kernels || log.slice(-2000)}`);
    assert.deepEqual(await errorNotifications(page), []);
    assert.deepEqual(await cspViolations(page), []);
  });
});
