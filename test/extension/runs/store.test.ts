import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, utimes, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForecastResult } from '../../../src/engine/forecast/types';
import { listRuns, readRunResult, removeStaleTemps, runIdFor, writeRun, type RunConfig } from '../../../src/extension/runs/store';

const result = {
  backend: 'cpu', trainSeconds: 1, finalLoss: 0.01, rows: 10, testWindows: 2, target: 'Close', features: ['Close'],
  test: { rmse: 10, mae: 8, mape: 1 }, naive: { rmse: 7.97, mae: 6, mape: 0.8 }, history: [], testSeries: { x: [], actual: [], predicted: [], naive: [] },
  forecast: { x: [], values: [] }, stoppedEarly: false,
} as ForecastResult;

function config(id: string): RunConfig {
  return { version: 1, id, kind: 'forecast', file: '/data/stock.csv', createdAt: new Date().toISOString(), options: { epochs: 5 } };
}

async function withRoot(f: (root: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-runs-'));
  try {
    await f(join(dir, '.rnnlab', 'runs'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('run ids are sortable and folder-safe', () => {
  assert.equal(runIdFor(new Date('2025-03-01T12:30:05.123Z')), '2025-03-01T12-30-05-123Z');
});

test('a run is written completely and listed', () =>
  withRoot(async (root) => {
    const dir = await writeRun(root, { config: config('a'), result }, async (m) => {
      await mkdir(m);
      await writeFile(join(m, 'model.json'), '{}');
    });
    assert.equal(dir, join(root, 'a'));
    assert.deepEqual((await readdir(dir)).sort(), ['config.json', 'model', 'result.json']);
    assert.equal((await readRunResult(dir)).naive.rmse, 7.97);
    const runs = await listRuns(root);
    assert.equal(runs.length, 1);
    assert.equal(runs[0].rmse, 10);
    assert.equal(runs[0].hasModel, true);
  }));

test('a failing model save leaves no trace and keeps earlier runs intact', () =>
  withRoot(async (root) => {
    await writeRun(root, { config: config('first'), result });
    const before = await readFile(join(root, 'first', 'result.json'), 'utf8');
    await assert.rejects(
      writeRun(root, { config: config('second'), result }, async (m) => {
        await mkdir(m);
        await writeFile(join(m, 'half.bin'), 'x');
        throw new Error('disk full');
      }),
      /disk full/,
    );
    assert.deepEqual(await readdir(root), ['first']);
    assert.equal(await readFile(join(root, 'first', 'result.json'), 'utf8'), before);
  }));

test('the same id twice gets a new folder instead of overwriting', () =>
  withRoot(async (root) => {
    await writeRun(root, { config: config('same'), result });
    const second = await writeRun(root, { config: config('same'), result });
    assert.equal(second, join(root, 'same-1'));
    assert.equal(JSON.parse(await readFile(join(second, 'config.json'), 'utf8')).id, 'same-1');
    assert.equal((await listRuns(root)).length, 2);
  }));

test('temporary folders are not runs; stale ones are cleaned, fresh ones kept', () =>
  withRoot(async (root) => {
    await mkdir(join(root, '.tmp-old-1'), { recursive: true });
    await mkdir(join(root, '.tmp-new-2'), { recursive: true });
    const old = new Date(Date.now() - 48 * 3600_000);
    await utimes(join(root, '.tmp-old-1'), old, old);
    assert.deepEqual(await listRuns(root), []);
    assert.equal(await removeStaleTemps(root), 1);
    assert.deepEqual(await readdir(root), ['.tmp-new-2']);
  }));

test('listing a missing folder gives no runs', async () => {
  assert.deepEqual(await listRuns('/nonexistent/rnnlab'), []);
});

test('a run written by the first release lists and opens; a kind this version does not know is skipped', () =>
  withRoot(async (root) => {
    // config.json exactly as the first release wrote it, for a saved model applied to a file.
    await mkdir(join(root, 'old'), { recursive: true });
    await writeFile(join(root, 'old', 'config.json'), JSON.stringify({ version: 1, id: 'old', kind: 'saved-model', file: '/w/a.csv', createdAt: '2025-01-01T00:00:00.000Z', options: {}, modelDir: '/w/m' }));
    await writeFile(join(root, 'old', 'result.json'), JSON.stringify(result));
    await mkdir(join(root, 'future'), { recursive: true });
    await writeFile(join(root, 'future', 'config.json'), JSON.stringify({ version: 1, id: 'future', kind: 'packing', file: '/w/b.txt', createdAt: '2026-01-01T00:00:00.000Z', options: {} }));
    const runs = await listRuns(root);
    assert.deepEqual(runs.map((r) => [r.id, r.config.kind, r.rmse]), [['old', 'saved-model', 10]]);
  }));
