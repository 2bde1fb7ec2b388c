// The host's WorkerSession driving the real training worker (dist/worker.js, built by `npm run
// build`) in plain Node: preview, the pre-training check, a short run that is stored, and a cancel
// that keeps its curve so far and says it was cancelled. Files are named in messages by the name the host passes (the extension
// passes the workspace-relative path), never by the worker's absolute path.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkerError, WorkerSession } from '../../../src/extension/core/workerSession';
import { markRunStopped, readRun, runIdFor } from '../../../src/extension/runs/store';
import type { ForecastOptions } from '../../../src/engine/forecast/types';
import type { TrainEvent } from '../../../src/engine/train/events';

const WORKER = resolve(__dirname, '..', '..', '..', 'dist', 'worker.js');
const TWO_ROWS = resolve(__dirname, '..', '..', 'engine', 'data', 'files', 'two_rows.csv');
const OPTIONS: Partial<ForecastOptions> = { seqLength: 4, hidden: 3, epochs: 3, lr: 0.02, horizon: 2, backend: 'wasm', seed: 1 };

let dir: string;
let csv: string;
before(async () => {
  assert.ok(existsSync(WORKER), `${WORKER} is missing: run \`npm run build\` first (npm test does).`);
  dir = await mkdtemp(join(tmpdir(), 'rnn-lab-worker-'));
  csv = join(dir, 'series.csv');
  const lines = ['day,x,y'];
  for (let i = 0; i < 40; i++) lines.push(`${i + 1},${Math.sin(i / 3).toFixed(4)},${(10 + Math.cos(i / 4)).toFixed(4)}`);
  await writeFile(csv, lines.join('\n') + '\n');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function forecastMsg(file: string, runsRoot: string, options: Partial<ForecastOptions>) {
  return { type: 'forecast' as const, file, fileName: 'ws/series.csv', options, store: { root: runsRoot, runId: runIdFor(new Date()) } };
}

async function rejection(p: Promise<unknown>): Promise<WorkerError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof WorkerError, `expected a WorkerError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('WorkerSession with dist/worker.js', () => {
  test('preview, then a file too short for the windows fails the check with the display name', async () => {
    const s = new WorkerSession(WORKER);
    try {
      const p = await s.request({ type: 'preview', file: TWO_ROWS, fileName: 'data/two_rows.csv' });
      assert.equal(p.fileName, 'data/two_rows.csv');
      assert.equal(p.totalRows, 2);
      assert.deepEqual(p.columns, ['a', 'b']);
      const e = await rejection(s.request({ type: 'check', file: TWO_ROWS, fileName: 'data/two_rows.csv', options: OPTIONS }));
      assert.equal(e.wire.code, 'TOO_FEW_ROWS');
      assert.match(e.message, /^data\/two_rows\.csv\b/);
      assert.ok(!e.message.includes(resolve(TWO_ROWS, '..')), e.message);
      // The session is still usable after a failed check.
      const again = await s.request({ type: 'preview', file: TWO_ROWS, fileName: 'data/two_rows.csv' });
      assert.equal(again.totalRows, 2);
    } finally {
      s.dispose();
    }
  });

  test('requests in flight at once are each answered by their own reply', async () => {
    const s = new WorkerSession(WORKER);
    try {
      s.warmup();
      const [two, forty] = await Promise.all([
        s.request({ type: 'preview', file: TWO_ROWS, fileName: 'data/two_rows.csv' }),
        s.request({ type: 'preview', file: csv, fileName: 'ws/series.csv' }),
      ]);
      assert.deepEqual([two.fileName, two.totalRows], ['data/two_rows.csv', 2]);
      assert.deepEqual([forty.fileName, forty.totalRows], ['ws/series.csv', 40]);
    } finally {
      s.dispose();
    }
  });

  test('check, then train: every epoch is reported and the run is stored', async () => {
    const runsRoot = join(dir, 'runs-ok');
    const s = new WorkerSession(WORKER);
    try {
      await s.request({ type: 'check', file: csv, fileName: 'ws/series.csv', options: OPTIONS });
      const events: TrainEvent[] = [];
      const out = await s.request(forecastMsg(csv, runsRoot, OPTIONS), (e) => events.push(e));
      assert.deepEqual(events.filter((e) => e.type === 'epochEnd').map((e) => (e as { epoch: number }).epoch), [1, 2, 3]);
      assert.equal(out.result.rows, 40);
      assert.equal(out.result.target, 'y');
      assert.equal(out.result.history.length, 3);
      assert.equal(out.result.forecast.values.length, 2);
      assert.ok(out.runDir && existsSync(out.runDir), `run stored: ${out.runDir}`);
      assert.equal((await readdir(runsRoot)).filter((n) => !n.startsWith('.')).length, 1);
      const stored = await readRun(out.runDir);
      assert.equal(stored.run.status, 'done');
      assert.equal(stored.run.kind, 'forecast');
      assert.equal(stored.run.backend, 'wasm');
      assert.equal(stored.run.config.seqLength, 4);
      assert.equal(stored.run.config.target, 'y');
      assert.equal(stored.run.headline.rmse, out.result.test.rmse);
      assert.deepEqual(stored.metrics.map((m) => [m.epoch, m.loss]), out.result.history.map((h) => [h.epoch, h.loss]));
      assert.ok(stored.hasModel);
      assert.ok(!existsSync(join(out.runDir, 'lock')), 'the lock goes when the run ends');
    } finally {
      s.dispose();
    }
  });

  test('preview with the read options: ambiguous dates and decimal commas name their option, and read once it is set', async () => {
    const dates = join(dir, 'day_first.csv');
    // Every day is 12 or less, so 02/01/2020 could be 2 January or 1 February.
    const rows = ['date,y,note'];
    for (let m = 1; m <= 3; m++) for (let d = 1; d <= 12; d++) rows.push(`${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/2020,${m * 100 + d},n${d}`);
    await writeFile(dates, rows.join('\n') + '\n');
    const comma = join(dir, 'comma.csv');
    await writeFile(comma, 'date;x;y\n2020-01-01;1,5;10,25\n2020-01-02;2,5;11,75\n2020-01-03;3,5;1.012,5\n');
    const s = new WorkerSession(WORKER);
    try {
      const e = await rejection(s.request({ type: 'preview', file: dates, fileName: 'ws/day_first.csv' }));
      assert.equal(e.wire.option, 'dateFormat');
      assert.equal(e.wire.suggest, undefined);
      assert.match(e.message, /^ws\/day_first\.csv:2: .*ambiguous.*--date-format day-first/);
      const dayFirst = await s.request({ type: 'preview', file: dates, fileName: 'ws/day_first.csv', dateFormat: 'day-first' });
      assert.equal(dayFirst.totalRows, 36);
      assert.deepEqual([dayFirst.rows[0].date, dayFirst.rows[12].date], ['2020-01-01', '2020-02-01']);
      assert.deepEqual(dayFirst.ignored, ['note: text']);
      // Read month first, 01/01, 02/01 … are 1 January, 1 February …: the dates go back and forth.
      const monthFirst = await rejection(s.request({ type: 'preview', file: dates, fileName: 'ws/day_first.csv', dateFormat: 'month-first' }));
      assert.equal(monthFirst.wire.option, 'order');
      // The table a check read is reused only by a run that reads the file the same way.
      await s.request({ type: 'check', file: dates, fileName: 'ws/day_first.csv', options: { ...OPTIONS, dateFormat: 'day-first' } });
      const other = await rejection(s.request(forecastMsg(dates, join(dir, 'runs-dates'), { ...OPTIONS, dateFormat: 'month-first' })));
      assert.equal(other.wire.option, 'order');

      const c = await rejection(s.request({ type: 'preview', file: comma, fileName: 'ws/comma.csv' }));
      assert.deepEqual([c.wire.option, c.wire.suggest], ['decimalComma', { option: 'decimalComma', value: true }]);
      const read = await s.request({ type: 'preview', file: comma, fileName: 'ws/comma.csv', decimalComma: true });
      assert.deepEqual(read.columns, ['x', 'y']);
      assert.deepEqual(read.rows.map((r) => r.values), [[1.5, 10.25], [2.5, 11.75], [3.5, 1012.5]]);
      assert.deepEqual(read.ignored, []);
    } finally {
      s.dispose();
    }
  });

  test('a failing check names the option to change; a bad cell names the line', async () => {
    const s = new WorkerSession(WORKER);
    try {
      const e = await rejection(s.request({ type: 'check', file: csv, fileName: 'ws/series.csv', options: { ...OPTIONS, target: 'nope' } }));
      assert.equal(e.wire.code, 'UNKNOWN_COLUMN');
      assert.match(e.message, /nope/);
    } finally {
      s.dispose();
    }
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'day,y\n1,2\n2,oops\n3,4\n');
    const t = new WorkerSession(WORKER);
    try {
      const e = await rejection(t.request({ type: 'check', file: bad, fileName: 'ws/bad.csv', options: OPTIONS }));
      assert.equal(e.wire.code, 'NON_NUMERIC_CELL');
      assert.match(e.message, /ws\/bad\.csv:3/);
    } finally {
      t.dispose();
    }
  });

  test('cancel mid-run rejects with CANCELLED; the run is kept as cancelled, with its curve so far', async () => {
    const runsRoot = join(dir, 'runs-cancel');
    const s = new WorkerSession(WORKER);
    try {
      const options = { ...OPTIONS, epochs: 100_000 };
      let cancelled = false;
      const e = await rejection(
        s.request(forecastMsg(csv, runsRoot, options), (ev) => {
          if (ev.type === 'epochEnd' && !cancelled) {
            cancelled = true;
            s.cancel();
          }
        }),
      );
      assert.equal(e.wire.code, 'CANCELLED');
      assert.ok(cancelled);
      const stored = (await readdir(runsRoot)).filter((n) => !n.startsWith('.'));
      assert.equal(stored.length, 1);
      const run = await readRun(join(runsRoot, stored[0]));
      assert.equal(run.run.status, 'cancelled');
      assert.match(run.run.error ?? '', /cancel/i);
      assert.ok(run.metrics.length >= 1, 'the epochs before the cancel are kept');
      assert.equal(run.hasModel, false);
    } finally {
      s.dispose();
    }
  });

  test('a worker that stops mid-run leaves its run marked running; markRunStopped, once it has exited, says interrupted, with the curve so far', async () => {
    const runsRoot = join(dir, 'runs-died');
    const s = new WorkerSession(WORKER);
    const ask = forecastMsg(csv, runsRoot, { ...OPTIONS, epochs: 100_000 });
    let epochs = 0;
    const answer = s.request(ask, (ev) => {
      // The writer flushes every 0.5 s: stop the thread (as a crash would) once some epochs are on disk.
      if (ev.type === 'epochEnd' && ++epochs === 1) setTimeout(() => s.dispose(), 1500);
    });
    assert.equal((await rejection(answer)).wire.message, 'Closed.', 'the request ends with the session');
    assert.equal(typeof (await s.exit), 'number', 'exit settles with the exit code');
    const runDir = join(runsRoot, ask.store.runId);
    assert.equal((await readRun(runDir)).run.status, 'running', 'its writer died with it: run.json still says running');
    assert.equal(await markRunStopped(runDir, 'interrupted', 'The training worker stopped before the run ended.'), true);
    const after = await readRun(runDir);
    assert.equal(after.run.status, 'interrupted');
    assert.equal(after.run.error, 'The training worker stopped before the run ended.');
    assert.ok(after.run.endedAt && after.run.owner === undefined);
    assert.ok(after.metrics.length >= 1, 'the epochs written before the thread stopped are kept');
    assert.equal(existsSync(join(runDir, 'lock')), false);
    assert.equal(await markRunStopped(runDir, 'cancelled', 'again'), false, 'a run no longer running is left as it is');
  });
});
