// The charts view's feed on a real run folder: the first message has every run, an unchanged run
// is not sent again, a running run is read on from where it stopped (a line cut short waits for
// its end, a bad new line is named by its line in the file), the curves are thinned as a whole
// read would be, and a page that loaded again gets everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChartFeed, readCompared } from '../../../src/extension/runs/curveRuns';
import { RunWriter } from '../../../src/extension/runs/store';
import { thinCurve } from '../../../src/shared/curves';
import { MINI_CHART_POINTS } from '../../../src/shared/runsProtocol';

async function withRuns(f: (root: string, data: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-curves-'));
  try {
    const data = join(dir, 'stock.csv');
    await writeFile(data, 'a\n1\n');
    await f(join(dir, 'runs'), data);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const start = (data: string, id: string) => ({ kind: 'forecast' as const, id, datasetPath: data, config: {}, seed: 0, backend: 'wasm', tfjsVersion: '' });
const line = (step: number) => ({ step, epoch: step, t: step / 10, loss: 1 / step, valLoss: step === 1500 ? 40 : 2 / step });

test('the charts feed sends what changed: every run first, then only the one that trains, read on from where it stopped', () =>
  withRuns(async (root, data) => {
    const done = await RunWriter.create(root, start(data, 'done'));
    for (let i = 1; i <= 3000; i++) done.metric(line(i));
    await done.end({ status: 'done' });
    const live = await RunWriter.create(root, start(data, 'live'));
    for (let i = 1; i <= 2000; i++) live.metric(line(i));
    await live.flush();
    const dirs = [live.dir, done.dir];
    const feed = new ChartFeed();

    const first = (await feed.message(dirs, '')).message;
    assert.deepEqual(first.order, dirs);
    assert.deepEqual(first.runs.map((r) => [r.key, r.status, r.color]), [[live.dir, 'running', '#E69F00'], [done.dir, 'done', '#56B4E9']]);
    const whole = (await readCompared(dirs)).runs;
    assert.deepEqual(first.runs.map((r) => r.curve), whole.map((r) => thinCurve(r.curve, MINI_CHART_POINTS)), 'thinned as the whole curves would be');
    assert.ok(first.runs[1].curve.loss.length <= 2 * MINI_CHART_POINTS + 2 && first.runs[1].curve.loss.length < 3000);
    assert.ok(first.runs[1].curve.valLoss.includes(40), 'the held-out spike at step 1500 is drawn');

    assert.deepEqual((await feed.message(dirs, '')).message.runs, [], 'nothing changed: nothing sent');

    for (let i = 2001; i <= 2010; i++) live.metric(line(i));
    await live.flush();
    // A line the writer is still writing (no newline yet) is not read until it is whole.
    const file = join(live.dir, 'metrics.jsonl');
    await appendFile(file, '{"step":2011,"epoch":2011,"t":201.1,');
    const grown = (await feed.message(dirs, '')).message;
    assert.deepEqual(grown.runs.map((r) => r.key), [live.dir], 'only the running run');
    assert.equal(grown.runs[0].curve.step.at(-1), 2010);
    await appendFile(file, '"loss":0.25}\n');
    const whole2 = (await feed.message(dirs, '')).message.runs[0].curve;
    assert.equal(whole2.step.at(-1), 2011);
    assert.deepEqual(whole2, thinCurve((await readCompared([live.dir])).runs[0].curve, MINI_CHART_POINTS), 'read on, as a whole read would be');

    // A bad line among the new ones: the run is a problem, named by its line in the file.
    await appendFile(file, 'oops\n');
    const bad = await feed.message(dirs, '');
    assert.deepEqual(bad.message.order, [done.dir]);
    assert.deepEqual(bad.problems, [`${live.dir}: metrics.jsonl line 2012: not valid JSON`]);

    feed.reset();
    assert.deepEqual((await feed.message([done.dir], '')).message.runs.map((r) => r.key), [done.dir], 'a page that loaded again gets every run');
    await live.end({ status: 'done' });
  }));
