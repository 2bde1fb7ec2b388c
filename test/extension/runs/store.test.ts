// The run store on a real temporary folder: a run made at start and appended while it trains,
// its status rewritten atomically, cancelled and failed runs keeping their curve, interrupted runs
// (owner gone, heartbeat stale), damaged folders listed with their reason, first-release runs,
// deletion of one run only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, utimes, mkdir, writeFile, appendFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ForecastResult } from '../../../src/engine/forecast/types';
import { deleteRun, listRuns, readRun, readRunListing, readRunResult, readRunSamples, removeStaleTemps, runIdFor, runsRoot, RunWriter, STALE_MS, writeFileAtomic, type DamagedRun, type RunEntry, type RunListing } from '../../../src/extension/runs/store';
import { parseMetrics, parseRunJson } from '../../../src/shared/runs';
import { saidInEnglish } from '../../../src/shared/said';

const result = {
  backend: 'cpu', trainSeconds: 1, finalLoss: 0.01, rows: 10, testWindows: 2, target: 'Close', features: ['Close'],
  test: { rmse: 10, mae: 8, mape: 1 }, naive: { rmse: 7.97, mae: 6, mape: 0.8 }, history: [{ epoch: 1, loss: 0.5, valLoss: null }, { epoch: 2, loss: 0.25, valLoss: null }],
  testSeries: { x: [], actual: [], predicted: [], naive: [] }, forecast: { x: [], values: [] }, stoppedEarly: false,
} as ForecastResult;

async function withRoot(f: (root: string, data: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-runs-'));
  try {
    const data = join(dir, 'stock.csv');
    await writeFile(data, 'a,b\n1,2\n');
    await f(join(dir, '.rnnlab', 'runs'), data);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const start = (data: string, id?: string) => ({ kind: 'forecast' as const, id, datasetPath: data, config: { seqLength: 7, epochs: 3 }, seed: 0, backend: 'auto', tfjsVersion: '4.22.0' });
const ok = (e: RunEntry): RunListing => {
  assert.equal(e.damaged, false, e.damaged ? saidInEnglish(e.reason) : '');
  return e as RunListing;
};

test('run ids are sortable and folder-safe; the runs folder is the setting, relative to the workspace unless absolute', () => {
  assert.equal(runIdFor(new Date('2025-03-01T12:30:05.123Z')), '2025-03-01T12-30-05-123Z');
  assert.equal(runsRoot('/w'), '/w/.rnnlab/runs');
  assert.equal(runsRoot('/w', 'out/runs'), '/w/out/runs');
  assert.equal(runsRoot('/w', '/elsewhere/runs'), '/elsewhere/runs');
  assert.equal(runsRoot('/w', '  '), '/w/.rnnlab/runs');
});

test('a run is made at start (running, dataset hashed), its metrics appended, and ends done with its result', () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, start(data, 'a'));
    assert.equal(w.dir, join(root, 'a'));
    const first = parseRunJson(await readFile(join(w.dir, 'run.json'), 'utf8'));
    assert.equal(first.status, 'running');
    assert.equal(first.owner?.pid, process.pid);
    assert.equal(first.dataset.sha256, createHash('sha256').update('a,b\n1,2\n').digest('hex'));
    assert.equal(first.dataset.path, data);
    w.onEvent({ type: 'start', backend: 'wasm', engine: 'WASM SIMD128, 2 threads; no native GEMM (turned off by RNN_LAB_NATIVE=off)', epochs: 3, batchesPerEpoch: 4, trainExamples: 10, validationExamples: 0 });
    w.onEvent({ type: 'epochEnd', epoch: 1, step: 4, loss: 0.5, valLoss: 0.6, elapsedSeconds: 0.1 });
    w.onEvent({ type: 'epochEnd', epoch: 2, step: 8, loss: 0.25, valLoss: null, elapsedSeconds: 0.2 });
    await w.flush();
    const live = ok((await listRuns(root))[0]);
    assert.equal(live.run.status, 'running', 'the writer is alive');
    assert.equal(live.points, 2);
    assert.deepEqual(live.last, { step: 8, epoch: 2, t: 0.2, loss: 0.25 });
    await w.saveModel(async (m) => {
      await mkdir(m);
      await writeFile(join(m, 'config.json'), '{}');
    });
    await w.end({ status: 'done', result, headline: { rmse: 10, naiveRmse: 7.97 } });
    assert.deepEqual((await readdir(w.dir)).sort(), ['metrics.jsonl', 'model', 'result.json', 'run.json']);
    const done = await readRun(w.dir);
    assert.equal(done.run.status, 'done');
    assert.equal(done.run.backend, 'wasm');
    assert.deepEqual(done.run.headline, { rmse: 10, naiveRmse: 7.97 });
    assert.equal(done.run.owner, undefined);
    assert.ok(done.run.endedAt);
    assert.deepEqual(done.metrics, [{ step: 4, epoch: 1, t: 0.1, loss: 0.5, valLoss: 0.6 }, { step: 8, epoch: 2, t: 0.2, loss: 0.25 }]);
    assert.equal((await readRunResult(w.dir)).naive.rmse, 7.97);
    assert.equal(done.hasModel, true);
  }));

test("an epoch's measurements join its line, at the step its epochEnd names; only numbers, never the line's own fields", () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, { ...start(data), kind: 'seq2seq' as const });
    w.onEvent({ type: 'start', backend: 'wasm', engine: 'WASM', epochs: 3, batchesPerEpoch: 1000, trainExamples: 4, validationExamples: 4 });
    w.onEvent({ type: 'batchEnd', epoch: 1, batch: 1000, step: 1000, loss: 1.5 });
    w.onEvent({ type: 'epochEnd', epoch: 1, step: 1000, loss: 2, valLoss: 2.5, elapsedSeconds: 1 });
    w.onEvent({ type: 'metrics', epoch: 1, values: { tokenAccuracy: 0.25, exactMatch: 0, bleu: 0.125 } });
    w.onEvent({ type: 'samples', epoch: 1, samples: [] });
    // The last report interval of 2,500 iterations is 500 steps: its line is at step 2500, not 3000.
    w.onEvent({ type: 'epochEnd', epoch: 3, step: 2500, loss: 0.75, valLoss: null, elapsedSeconds: 3 });
    w.onEvent({ type: 'metrics', epoch: 3, values: { tokenAccuracy: 0.5, bleu: Number.NaN, step: 7, loss: 9 } });
    // A measurement of an epoch whose line is not the open one has no line to join.
    w.onEvent({ type: 'metrics', epoch: 2, values: { tokenAccuracy: 1 } });
    await w.end({ status: 'done' });
    assert.deepEqual((await readRun(w.dir)).metrics, [
      { step: 1000, epoch: 1, t: 1, loss: 2, valLoss: 2.5, tokenAccuracy: 0.25, exactMatch: 0, bleu: 0.125 },
      { step: 2500, epoch: 3, t: 3, loss: 0.75, tokenAccuracy: 0.5 },
    ]);
    // run.json's summary (what the Runs tree lists a finished run from) counts them, the last with its measurements.
    const summary = parseRunJson(await readFile(join(w.dir, 'run.json'), 'utf8')).metricsSummary;
    assert.equal(summary?.lines, 2);
    assert.deepEqual(summary?.last, { step: 2500, epoch: 3, t: 3, loss: 0.75, tokenAccuracy: 0.5 });
  }));

test("a line flushed before its epoch's measurements is complete on disk without them", () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, start(data));
    w.onEvent({ type: 'start', backend: 'wasm', engine: 'WASM', epochs: 2, batchesPerEpoch: 2, trainExamples: 4, validationExamples: 0 });
    w.onEvent({ type: 'epochEnd', epoch: 1, step: 2, loss: 2, valLoss: null, elapsedSeconds: 1 });
    await w.flush();
    assert.deepEqual(parseMetrics(await readFile(join(w.dir, 'metrics.jsonl'), 'utf8')), [{ step: 2, epoch: 1, t: 1, loss: 2 }]);
    w.onEvent({ type: 'metrics', epoch: 1, values: { tokenAccuracy: 0.5 } });
    await w.end({ status: 'done' });
    assert.equal(await readFile(join(w.dir, 'metrics.jsonl'), 'utf8'), '{"step":2,"epoch":1,"t":1,"loss":2}\n');
  }));

test('metrics are buffered: nothing reaches the disk until the flush, everything by the end', () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, start(data));
    for (let i = 1; i <= 100; i++) w.metric({ step: i, epoch: i, t: i / 100, loss: 1 / i });
    assert.equal(await readFile(join(w.dir, 'metrics.jsonl'), 'utf8'), '');
    await w.end({ status: 'done' });
    assert.equal(parseMetrics(await readFile(join(w.dir, 'metrics.jsonl'), 'utf8')).length, 100);
  }));

test('a cancelled and a failed run keep their curve so far and say so; earlier runs are untouched', () =>
  withRoot(async (root, data) => {
    const first = await RunWriter.create(root, start(data, 'first'));
    first.metric({ step: 1, epoch: 1, t: 0, loss: 1 });
    await first.end({ status: 'done', result });
    const before = await Promise.all(['run.json', 'metrics.jsonl', 'result.json'].map((f) => readFile(join(first.dir, f), 'utf8')));
    const cancelled = await RunWriter.create(root, start(data, 'second'));
    cancelled.metric({ step: 1, epoch: 1, t: 0, loss: 0.9 });
    await cancelled.endWith(Object.assign(new Error('Training was cancelled.'), { code: 'CANCELLED' }));
    const failed = await RunWriter.create(root, start(data, 'third'));
    failed.metric({ step: 1, epoch: 1, t: 0, loss: 0.8 });
    await assert.rejects(failed.saveModel(async (m) => {
      await mkdir(m);
      await writeFile(join(m, 'half.bin'), 'x');
      throw new Error('disk full');
    }), /disk full/);
    await failed.endWith(new Error('disk full'));
    const runs = (await listRuns(root)).map(ok).sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(runs.map((r) => [r.id, r.run.status, r.run.error, r.points, r.hasModel]), [
      ['first', 'done', undefined, 1, false],
      ['second', 'cancelled', 'Training was cancelled.', 1, false],
      ['third', 'failed', 'disk full', 1, false],
    ]);
    assert.deepEqual((await readdir(failed.dir)).sort(), ['metrics.jsonl', 'run.json'], 'the half-written model is gone');
    const after = await Promise.all(['run.json', 'metrics.jsonl', 'result.json'].map((f) => readFile(join(first.dir, f), 'utf8')));
    assert.deepEqual(after, before);
  }));

test('the same id twice gets a new folder instead of sharing one', () =>
  withRoot(async (root, data) => {
    const a = await RunWriter.create(root, start(data, 'same'));
    const b = await RunWriter.create(root, start(data, 'same'));
    assert.equal(b.dir, join(root, 'same-1'));
    assert.equal(parseRunJson(await readFile(join(b.dir, 'run.json'), 'utf8')).id, 'same-1');
    await a.end({ status: 'done' });
    await b.end({ status: 'done' });
    assert.equal((await listRuns(root)).length, 2);
  }));

test('a running run whose owner process is gone, or whose heartbeat stopped, is interrupted, with its metrics so far', () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, start(data, 'live'));
    w.metric({ step: 1, epoch: 1, t: 0.1, loss: 0.5 });
    await w.flush();
    assert.equal(ok((await listRuns(root))[0]).run.status, 'running');
    // Heartbeat stale: as seen STALE_MS later with no touch.
    const later = Date.now() + STALE_MS + 1000;
    const stale = ok((await listRuns(root, { now: later }))[0]);
    assert.equal(stale.run.status, 'interrupted');
    assert.equal(stale.points, 1);
    assert.equal(parseRunJson(await readFile(join(w.dir, 'run.json'), 'utf8')).status, 'running', 'reading never rewrites the run');
    // Owner gone (the window reloaded): a pid that cannot exist.
    const run = JSON.parse(await readFile(join(w.dir, 'run.json'), 'utf8'));
    await writeFile(join(w.dir, 'run.json'), JSON.stringify({ ...run, owner: { pid: 2 ** 22 + 12345 } }));
    assert.equal(ok((await listRuns(root))[0]).run.status, 'interrupted');
    await w.end({ status: 'cancelled' });
  }));

test('a crash mid-append (a last line cut short) keeps the curve so far; a bad line elsewhere is damage, named', () => {
  assert.deepEqual(parseMetrics('{"step":1,"epoch":1,"t":0,"loss":1}\n{"step":2,"ep'), [{ step: 1, epoch: 1, t: 0, loss: 1 }]);
  assert.throws(() => parseMetrics('{"step":1,"epoch":1,"t":0,"loss":1}\nnot json\n{"step":2,"epoch":2,"t":0,"loss":1}\n'), /metrics\.jsonl line 2: not valid JSON/);
  assert.throws(() => parseMetrics('{"step":1,"epoch":1,"t":0,"loss":"x"}\n'), /line 1: loss must be a number/);
  assert.throws(() => parseMetrics('{"step":1,"epoch":1,"t":0}\n'), /line 1: loss must be a number/);
});

test('damaged folders are listed with their reason and never hide the other runs', () =>
  withRoot(async (root, data) => {
    const good = await RunWriter.create(root, start(data, '2025-01-01T00-00-00-000Z'));
    await good.end({ status: 'done', headline: { rmse: 1, naiveRmse: 2 } });
    const cases: Record<string, [string, string][]> = {
      half: [['run.json', '{"formatVersion":2,"id":"half","ki']],
      edited: [['run.json', JSON.stringify({ ...JSON.parse(await readFile(join(good.dir, 'run.json'), 'utf8')), status: 'finished' })]],
      newer: [['run.json', JSON.stringify({ formatVersion: 3, id: 'newer' })]],
      badline: [['run.json', (await readFile(join(good.dir, 'run.json'), 'utf8'))], ['metrics.jsonl', '{"step":1,"epoch":1,"t":0,"loss":1}\n{oops}\n{"step":2,"epoch":2,"t":0,"loss":1}\n']],
      empty: [],
    };
    for (const [name, files] of Object.entries(cases)) {
      await mkdir(join(root, name));
      for (const [f, text] of files) await writeFile(join(root, name, f), text);
    }
    await writeFile(join(root, 'stray.txt'), 'not a folder');
    const runs = await listRuns(root);
    const reasons = Object.fromEntries(runs.filter((r) => r.damaged).map((r) => [r.id, saidInEnglish((r as DamagedRun).reason)]));
    assert.deepEqual(Object.keys(reasons).sort(), ['badline', 'edited', 'empty', 'half', 'newer']);
    assert.match(reasons.half, /not valid JSON/);
    assert.match(reasons.edited, /unknown status "finished"/);
    assert.match(reasons.newer, /format 3.*update RNN Lab/);
    assert.match(reasons.badline, /metrics\.jsonl line 2/);
    assert.match(reasons.empty, /no run\.json/);
    assert.deepEqual(runs.filter((r) => !r.damaged).map((r) => r.id), ['2025-01-01T00-00-00-000Z']);
  }));

test('runs of the first release (config.json + result.json) list as done runs, their curve from the result', () =>
  withRoot(async (root) => {
    // config.json exactly as the first release wrote it.
    await mkdir(join(root, 'old'), { recursive: true });
    await writeFile(join(root, 'old', 'config.json'), JSON.stringify({ version: 1, id: 'old', kind: 'saved-model', file: '/w/a.csv', createdAt: '2025-01-01T00:00:00.000Z', options: {}, modelDir: '/w/m' }));
    await writeFile(join(root, 'old', 'result.json'), JSON.stringify(result));
    await mkdir(join(root, 'future'), { recursive: true });
    await writeFile(join(root, 'future', 'config.json'), JSON.stringify({ version: 1, id: 'future', kind: 'packing', file: '/w/b.txt', createdAt: '2026-01-01T00:00:00.000Z', options: {} }));
    const runs = await listRuns(root);
    const old = ok(runs.find((r) => r.id === 'old')!);
    assert.equal(old.legacy, true);
    assert.deepEqual([old.run.kind, old.run.status, old.run.dataset.path, old.run.headline, old.run.config.modelDir], ['saved-model', 'done', '/w/a.csv', { rmse: 10, naiveRmse: 7.97 }, '/w/m']);
    assert.deepEqual((await readRun(old.dir)).metrics.map((m) => [m.epoch, m.loss]), [[1, 0.5], [2, 0.25]]);
    const future = runs.find((r) => r.id === 'future')!;
    assert.ok(future.damaged && /unknown kind "packing"/.test(saidInEnglish(future.reason)));
  }));

test('run.json is replaced atomically: a failed write leaves the old file whole and no temporary behind', () =>
  withRoot(async (root) => {
    await mkdir(root, { recursive: true });
    const f = join(root, 'x.json');
    await writeFileAtomic(f, '{"a":1}');
    await writeFileAtomic(f, '{"a":2}');
    assert.equal(await readFile(f, 'utf8'), '{"a":2}');
    // Renaming onto a folder fails: the old content stays, the temporary file is removed.
    await mkdir(join(root, 'dir.json'));
    await assert.rejects(writeFileAtomic(join(root, 'dir.json'), 'x'));
    assert.deepEqual((await readdir(root)).sort(), ['dir.json', 'x.json']);
  }));

test('deleting a run removes that folder only; anything that is not a run folder of the store is refused', () =>
  withRoot(async (root, data) => {
    const a = await RunWriter.create(root, start(data, 'a'));
    const b = await RunWriter.create(root, start(data, 'b'));
    await a.end({ status: 'done' });
    await b.end({ status: 'done' });
    await deleteRun(root, a.dir);
    assert.deepEqual(await readdir(root), ['b']);
    await assert.rejects(deleteRun(root, root), /not a run folder/);
    await assert.rejects(deleteRun(root, join(root, '..')), /not a run folder/);
    await assert.rejects(deleteRun(root, data), /not a run folder/);
    await mkdir(join(root, 'notarun'));
    await writeFile(join(root, 'notarun', 'keep.txt'), 'mine');
    await assert.rejects(deleteRun(root, join(root, 'notarun')), /holds no run\.json/);
    assert.equal(await readFile(join(root, 'notarun', 'keep.txt'), 'utf8'), 'mine');
  }));

test('temporary folders are not runs; stale ones are cleaned, fresh ones kept, inside run folders too', () =>
  withRoot(async (root, data) => {
    await mkdir(join(root, '.tmp-old-1'), { recursive: true });
    await mkdir(join(root, '.tmp-new-2'), { recursive: true });
    const old = new Date(Date.now() - 48 * 3600_000);
    await utimes(join(root, '.tmp-old-1'), old, old);
    assert.deepEqual(await listRuns(root), []);
    const w = await RunWriter.create(root, start(data, 'run'));
    await w.end({ status: 'done' });
    await writeFile(join(w.dir, 'run.json.tmp-dead'), '{"half');
    await mkdir(join(w.dir, '.tmp-model-dead'));
    await writeFile(join(w.dir, 'run.json.tmp-live'), '{"being written');
    for (const f of ['run.json.tmp-dead', '.tmp-model-dead']) await utimes(join(w.dir, f), old, old);
    assert.equal(await removeStaleTemps(root), 3);
    assert.deepEqual((await readdir(root)).sort(), ['.tmp-new-2', 'run']);
    assert.deepEqual((await readdir(w.dir)).sort(), ['metrics.jsonl', 'run.json', 'run.json.tmp-live']);
    assert.equal(ok((await listRuns(root))[0]).run.status, 'done');
  }));

test('a listing cache reads a folder again only when its files changed', () =>
  withRoot(async (root, data) => {
    const cache = new Map();
    const w = await RunWriter.create(root, start(data, 'a'));
    await w.end({ status: 'done', headline: { rmse: 1, naiveRmse: 2 } });
    const first = await listRuns(root, { cache });
    assert.equal((await listRuns(root, { cache }))[0], first[0], 'unchanged: the same entry');
    const run = JSON.parse(await readFile(join(w.dir, 'run.json'), 'utf8'));
    await writeFile(join(w.dir, 'run.json'), JSON.stringify({ ...run, headline: { rmse: 3, naiveRmse: 2 } }) + '\n');
    const again = ok((await listRuns(root, { cache }))[0]);
    assert.equal(again.run.headline.rmse, 3);
    await writeFile(join(w.dir, 'metrics.jsonl'), 'oops\n');
    const damaged = (await listRuns(root, { cache }))[0];
    assert.ok(damaged.damaged && /line 1/.test(saidInEnglish(damaged.reason)));
  }));

test("a listing with the cache sees a model saved into a run, lists a link to a run folder, and skips files and links to files", () =>
  withRoot(async (root, data) => {
    const cache = new Map();
    const w = await RunWriter.create(root, start(data, 'a'));
    await w.end({ status: 'done', headline: { rmse: 1, naiveRmse: 2 } });
    await writeFile(join(root, 'notes.txt'), 'not a run');
    await symlink(join(root, 'notes.txt'), join(root, 'link-to-file'));
    const elsewhere = join(root, '..', 'elsewhere');
    const other = await RunWriter.create(elsewhere, start(data, 'b'));
    await other.end({ status: 'done', headline: { rmse: 4, naiveRmse: 2 } });
    await symlink(other.dir, join(root, 'linked'));
    for (const c of [cache, undefined]) {
      const listed = (await listRuns(root, { cache: c })).map(ok);
      assert.deepEqual(listed.map((e) => [e.id, e.hasModel]).sort(), [['a', false], ['b', false]]);
    }
    await mkdir(join(w.dir, 'model'));
    const a = (await listRuns(root, { cache })).map(ok).find((e) => e.id === 'a');
    assert.equal(a?.hasModel, true, 'the cached entry is read again once model/ is there');
  }));

/** A run folder read whole, as a listing (its metrics dropped). */
async function wholeListing(dir: string): Promise<RunListing> {
  const { metrics: _m, ...listing } = await readRun(dir);
  return listing;
}

test("a finished run is listed from its run.json's metrics summary, equal to reading it whole", () =>
  withRoot(async (root, data) => {
    const done = await RunWriter.create(root, start(data, 'done'));
    for (let e = 1; e <= 500; e++) done.metric({ step: e, epoch: e, t: e / 10, loss: 1 / e, valLoss: 2 / e });
    await done.end({ status: 'done', headline: { rmse: 1, naiveRmse: 2 } });
    const cancelled = await RunWriter.create(root, start(data, 'cancelled'));
    cancelled.metric({ step: 1, epoch: 1, t: 0.5, loss: 0.75 });
    await cancelled.endWith(Object.assign(new Error('stopped'), { code: 'CANCELLED' }));
    const empty = await RunWriter.create(root, start(data, 'empty'));
    await empty.end({ status: 'failed', error: 'bad data' });

    const s = await stat(join(done.dir, 'metrics.jsonl'));
    const summary = parseRunJson(await readFile(join(done.dir, 'run.json'), 'utf8')).metricsSummary;
    assert.deepEqual(summary, { lines: 500, last: { step: 500, epoch: 500, t: 50, loss: 1 / 500, valLoss: 2 / 500 }, size: s.size, mtimeMs: s.mtimeMs });
    for (const w of [done, cancelled, empty]) assert.deepEqual(await readRunListing(w.dir), await wholeListing(w.dir), w.id);
    const listed = (await listRuns(root, { cache: new Map() })).map(ok);
    assert.deepEqual(listed.map((r) => [r.id, r.points, r.last?.loss ?? null]), [['empty', 0, null], ['cancelled', 1, 0.75], ['done', 500, 1 / 500]]);
    assert.equal(listed[1].run.status, 'cancelled');

    // The summary stands for the file while size and time match: a run.json that says so is
    // believed without reading metrics.jsonl (here, bytes that are not metrics at all).
    const file = join(cancelled.dir, 'metrics.jsonl');
    await writeFile(file, 'x'.repeat(20) + '\n');
    const t = await stat(file);
    const run = JSON.parse(await readFile(join(cancelled.dir, 'run.json'), 'utf8'));
    await writeFile(join(cancelled.dir, 'run.json'), JSON.stringify({ ...run, metricsSummary: { ...run.metricsSummary, size: t.size, mtimeMs: t.mtimeMs } }));
    assert.equal(ok(await listOnly(root, 'cancelled')).points, 1, 'listed from the summary');
    await assert.rejects(readRun(cancelled.dir), /metrics\.jsonl line 1: not valid JSON/, 'opening the run still reads it whole');
  }));

/** The listing of the run `id` of `root`. */
async function listOnly(root: string, id: string): Promise<RunEntry> {
  return (await listRuns(root)).find((e) => e.id === id)!;
}

test('a metrics.jsonl edited or appended to after its run ended is read again: a bad line makes the run damaged', () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, start(data, 'a'));
    for (let e = 1; e <= 3; e++) w.metric({ step: e, epoch: e, t: e, loss: 1 / e });
    await w.end({ status: 'done', headline: { rmse: 1, naiveRmse: 2 } });
    const file = join(w.dir, 'metrics.jsonl');
    const text = await readFile(file, 'utf8');
    const cache = new Map();
    assert.equal(ok((await listRuns(root, { cache }))[0]).points, 3);

    // Appended by hand: four lines, read from the file.
    await appendFile(file, JSON.stringify({ step: 4, epoch: 4, t: 4, loss: 0.2 }) + '\n');
    const appended = ok((await listRuns(root, { cache }))[0]);
    assert.deepEqual([appended.points, appended.last?.loss], [4, 0.2]);

    // A line edited to one of the same length (the size alone would not tell): damaged, by line.
    const lines = text.split('\n');
    lines[1] = lines[1].replace('"loss"', '"lo$s"');
    await writeFile(file, lines.join('\n'));
    assert.equal((await stat(file)).size, Buffer.byteLength(text));
    const damaged = await listOnly(root, 'a');
    assert.ok(damaged.damaged && saidInEnglish(damaged.reason) === 'metrics.jsonl line 2: loss must be a number', JSON.stringify(damaged));
    // The words as the host says them: the line's template, its number, the line's own reason within.
    assert.deepEqual(damaged.reason, { key: 'metrics.jsonl line {0}: {1}', args: [2, { key: '{0} must be a number', args: ['loss'] }] });
    assert.ok((await listRuns(root, { cache }))[0].damaged, 'the cached listing too');
  }));

test('a run.json without a metrics summary (written before it existed) lists from metrics.jsonl; a malformed one is damage', () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, start(data, 'a'));
    w.metric({ step: 1, epoch: 1, t: 1, loss: 0.5 });
    w.metric({ step: 2, epoch: 2, t: 2, loss: 0.25, valLoss: 0.3 });
    await w.end({ status: 'done', headline: { rmse: 1, naiveRmse: 2 } });
    const { metricsSummary, ...older } = JSON.parse(await readFile(join(w.dir, 'run.json'), 'utf8'));
    assert.ok(metricsSummary);
    await writeFile(join(w.dir, 'run.json'), JSON.stringify(older, null, 2));
    const listed = ok(await listOnly(root, 'a'));
    assert.equal(listed.run.metricsSummary, undefined);
    assert.deepEqual([listed.points, listed.last], [2, { step: 2, epoch: 2, t: 2, loss: 0.25, valLoss: 0.3 }]);
    assert.deepEqual(listed, await wholeListing(w.dir));

    await writeFile(join(w.dir, 'run.json'), JSON.stringify({ ...older, metricsSummary: { lines: 'two' } }));
    const bad = await listOnly(root, 'a');
    assert.ok(bad.damaged && saidInEnglish(bad.reason) === 'run.json: metricsSummary must be {lines, last, size, mtimeMs}', JSON.stringify(bad));
  }));

test('listing a missing folder gives no runs', async () => {
  assert.deepEqual(await listRuns('/nonexistent/rnnlab'), []);
});

test('samples are appended to samples.jsonl, one line per event', () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, { ...start(data), kind: 'seq2seq' });
    w.onEvent({ type: 'samples', epoch: 1, samples: [{ source: 'a', target: 'b', prediction: 'b' }] });
    await w.end({ status: 'done', headline: { tokenAccuracy: 0.5, bleu: 0.1 } });
    const lines = (await readFile(join(w.dir, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines, [{ epoch: 1, samples: [{ source: 'a', target: 'b', prediction: 'b' }] }]);
    await appendFile(join(w.dir, 'metrics.jsonl'), '');
    assert.equal(ok((await listRuns(root))[0]).run.kind, 'seq2seq');
  }));

test('readRunSamples: every set in order; a last line cut short is dropped; a bad line elsewhere is named; no file is no sets', () =>
  withRoot(async (root, data) => {
    const w = await RunWriter.create(root, { ...start(data), kind: 'seq2seq' });
    assert.deepEqual(await readRunSamples(w.dir), []);
    w.onEvent({ type: 'samples', epoch: 1, samples: [{ source: 'a', target: 'b', prediction: 'b' }] });
    w.onEvent({ type: 'samples', epoch: 2, samples: [{ source: 'a', target: 'b', prediction: 'c' }] });
    await w.end({ status: 'done', headline: { tokenAccuracy: 0.5, bleu: 0.1 } });
    const file = join(w.dir, 'samples.jsonl');
    assert.deepEqual((await readRunSamples(w.dir)).map((x) => x.epoch), [1, 2]);
    await appendFile(file, '{"epoch":3,"samp');
    assert.deepEqual((await readRunSamples(w.dir)).map((x) => x.epoch), [1, 2], 'cut short mid-append');
    await writeFile(file, '{"epoch":1,"samples":[]}\n{"epoch":"two","samples":[]}\n{"epoch":3,"samples":[]}\n');
    await assert.rejects(readRunSamples(w.dir), /samples\.jsonl line 2: not an \{ epoch, samples \} set/);
  }));
