// Nothing allocates or loops without limit: models and batches too large for memory are refused
// before anything is allocated, with the estimate and a fix that passes the same check when
// followed; the forecast horizon and the decoding limit are bounded; and a run whose loss
// explodes stops with DIVERGED instead of finishing (and saving) nonsense weights.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { initBackend } from '../../src/engine/backend';
import { checkForecastFile, predictWithSaved, runForecast } from '../../src/engine/forecast/run';
import { runSeq2Seq } from '../../src/engine/seq2seq/run';
import { Seq2Seq } from '../../src/engine/models/seq2seq';
import { divergenceWindow, train, type TrainTask } from '../../src/engine/train/trainer';
import { cli, ensureCliBuilt, oneLineError } from '../helpers/cli';
import { EXAMPLES, expectError, expectErrorAsync } from './data/helpers';

const STOCK = path.join(EXAMPLES, 'stock_daily.csv');
const KOR = path.join(EXAMPLES, 'kor-eng.txt');
const COURSE = path.join(__dirname, 'seq2seq', 'files', 'course.txt');

/** The `--flag N` a hint suggests. */
function suggested(hint: string | undefined, flag: string): number {
  const m = new RegExp(`--${flag} (\\d+)`).exec(hint ?? '');
  assert.ok(m, `the hint suggests --${flag}: ${hint}`);
  return Number(m[1]);
}

describe('bounds', () => {
  let tmp: string;
  before(async () => {
    ensureCliBuilt();
    await initBackend('wasm');
    tmp = await mkdtemp(path.join(tmpdir(), 'rnn-lab-bounds-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('forecast: sizes past the option table are refused by it; a model within it too large for memory gets the estimate and a size that passes', async () => {
    for (const flag of ['hidden', 'layers']) assert.match(oneLineError(await cli(['forecast', STOCK, `--${flag}`, '100000']), flag), new RegExp(`--${flag} must be a whole number from 1 to`));
    for (const [args, options, flag] of [
      [['--hidden', '4096'], { hidden: 4096 }, 'hidden'],
      [['--hidden', '4096', '--layers', '16'], { hidden: 4096, layers: 16 }, 'hidden'],
      [['--hidden', '1024', '--layers', '16'], { hidden: 1024, layers: 16 }, 'layers'],
    ] as const) {
      const line = oneLineError(await cli(['forecast', STOCK, '--order', 'reverse', ...args]), args.join(' '));
      assert.match(line, /would need about [\d,.]+ GiB \(weights and optimiser [\d,.]+ [GM]iB, batch [\d,.]+ [GM]iB\)/);
      const e = await expectErrorAsync(() => checkForecastFile(STOCK, { order: 'reverse', ...options }), 'BAD_OPTION');
      const fix = suggested(e.hint, flag);
      assert.deepEqual(e.suggest, { option: flag, value: fix });
      assert.ok(line.includes(`--${flag} ${fix}`), `the CLI gives the same fix: ${line}`);
      await checkForecastFile(STOCK, { order: 'reverse', ...options, [flag]: fix }); // following it passes
    }
  });

  test('forecast: a full batch too large for memory suggests a batch size that fits (never the one it has)', async () => {
    const rows = ['a,b'];
    for (let i = 0; i < 3000; i++) rows.push(`${Math.sin(i / 7)},${i % 13}`);
    const file = path.join(tmp, 'long.csv');
    await writeFile(file, rows.join('\n') + '\n');
    const e = await expectErrorAsync(() => checkForecastFile(file, { hidden: 1000 }), 'BAD_OPTION');
    assert.match(e.message, /batches of 2,09\d windows/);
    const bs = suggested(e.hint, 'batch-size');
    assert.equal(bs, 1024);
    await checkForecastFile(file, { hidden: 1000, batchSize: bs });
  });

  test('seq2seq: a hidden size too large for memory gets the estimate and a smaller one; a batch too large one that passes', async () => {
    const line = oneLineError(await cli(['seq2seq', COURSE, '--hidden', '4096']), 'hidden');
    assert.match(line, /would need about [\d,.]+ GiB.* Use a smaller hidden size: --hidden 2048 fits\./);
    const e = await expectErrorAsync(() => runSeq2Seq(KOR, { batchSize: 4000, epochs: 1 }), 'BAD_OPTION');
    const bs = suggested(e.hint, 'batch-size');
    assert.ok(bs < 4000, `batch ${bs}`);
    // Following the hint passes the check: training starts (and is cancelled at its first batch).
    const abort = new AbortController();
    abort.abort();
    await expectErrorAsync(() => runSeq2Seq(KOR, { batchSize: bs, epochs: 1 }, { signal: abort.signal }), 'CANCELLED');
  });

  test('the horizon and the decoding limit are bounded for the engine API', async () => {
    await expectErrorAsync(() => runSeq2Seq(COURSE, { targetMaxLength: 1001 }), 'BAD_OPTION');
    const model = new Seq2Seq({ sourceVocab: 6, targetVocab: 6, hidden: 2, attention: 'none' }, 0);
    const e = expectError(() => model.greedy([Int32Array.of(4)], 1e9), 'BAD_OPTION');
    assert.match(e.message, /1 to 1000 steps/);
    assert.equal(model.greedy([Int32Array.of(4)], 1000).ids.length, 1);
    model.dispose();
    const run = await runForecast(STOCK, { order: 'reverse', hidden: 2, epochs: 1 });
    const dir = path.join(tmp, 'f');
    await run.save(dir);
    run.dispose();
    await expectErrorAsync(() => predictWithSaved(dir, STOCK, { backend: 'wasm', horizon: 10001 }), 'BAD_OPTION');
    const events: string[] = [];
    const far = await predictWithSaved(dir, STOCK, { backend: 'wasm', horizon: 10000, onEvent: (ev) => events.push(ev.type) });
    assert.equal(far.forecast.values.length, 10000);
    assert.ok(far.forecast.values.every(Number.isFinite));
    assert.ok(events.every((t) => t === 'progress'), 'only progress events while forecasting');
  });

  /** A one-variable task whose batch `i` (0-based, over the whole run) has the loss `lossAt(i)`. */
  function scriptedTask(lossAt: (i: number) => number, batches: number): { task: TrainTask<number>; dispose(): void } {
    const w = tf.variable(tf.scalar(0));
    let i = 0;
    return {
      task: {
        variables: [w],
        epochBatches: () => Array.from({ length: batches }, () => i++),
        batchesPerEpoch: batches,
        trainExamples: 1,
        validationExamples: 0,
        sizeOf: () => 1,
        // The scripted value plus w² (w stays 0 under SGD: its gradient is 2w = 0).
        loss: (k) => tf.add(tf.square(w), lossAt(k)) as tf.Scalar,
        divergenceLoss: 100,
      },
      dispose: () => w.dispose(),
    };
  }

  test('trainer: a median loss of the last batches past divergenceLoss stops with DIVERGED, naming the learning rate', async () => {
    assert.deepEqual([50, 1000, 5000, 1e6].map(divergenceWindow), [20, 200, 200, 200], 'a fifth of the run, from 20 to 200 batches');
    // 5 epochs of 10 batches: a window of 20, judged once it is full. Losses 1, 2, 3, then 1000
    // from batch 3 on: the full window at step 20 holds 17 losses of 1000, so its median is 1000.
    const { task, dispose } = scriptedTask((i) => (i < 3 ? i + 1 : 1000), 10);
    const seen: number[] = [];
    const e = await expectErrorAsync(
      () => train(task, { epochs: 5, optimizer: { name: 'sgd', lr: 10 }, usualLr: 0.01, backend: 'wasm' }, { onEvent: (ev) => ev.type === 'batchEnd' && seen.push(ev.loss) }),
      'DIVERGED',
    );
    assert.equal(seen.length, 19, 'every batch before the stopping one ran');
    assert.match(e.message, /median loss of the last 20 batches is 1000 at epoch 2, batch 10 \(step 20\), above 100, far above an untrained model's/);
    assert.match(e.hint ?? '', /now --lr 10\), for example to --lr 0\.01,/);
    assert.deepEqual(e.suggest, { option: 'lr', value: 0.01 });
    dispose();
  });

  test('trainer: the run stops at the first batch where the sorted window\'s lower median is above divergenceLoss, for any losses', async () => {
    // The trainer counts the window's losses above the limit instead of sorting it; this holds the
    // count to the definition. 3 epochs of 10 batches: a window of 20, losses either side of 100.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(1, 99, 100, 101, 1e4), { minLength: 30, maxLength: 30 }), async (losses) => {
        let expected = -1;
        for (let s = 19; s < 30 && expected < 0; s++) {
          const sorted = losses.slice(s - 19, s + 1).sort((a, b) => a - b);
          if (sorted[9] > 100) expected = s;
        }
        const { task, dispose } = scriptedTask((i) => losses[i], 10);
        let ran = 0;
        try {
          const run = train(task, { epochs: 3, optimizer: { name: 'sgd', lr: 1 }, backend: 'wasm' }, { onEvent: (ev) => ev.type === 'batchEnd' && ran++ });
          if (expected < 0) await run;
          else await expectErrorAsync(() => run, 'DIVERGED');
        } finally {
          dispose();
        }
        assert.equal(ran, expected < 0 ? 30 : expected, 'batches that ran before the stop');
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  test('trainer: a spike past divergenceLoss that training recovers from is not a stop', async () => {
    // 10 batches at 1e6 in a window of 20, then back to 1: half the window, not more than half, and the run finishes.
    const { task, dispose } = scriptedTask((i) => (i >= 15 && i < 25 ? 1e6 : 1), 10);
    const summary = await train(task, { epochs: 4, optimizer: { name: 'sgd', lr: 10 }, backend: 'wasm' });
    assert.equal(summary.epochs, 4);
    assert.equal(summary.finalLoss, 1);
    dispose();
  });

  // (With the course's SGD, lr 9.9 learns these four pairs since the course loss's gradient is the
  // sum's; Adam's normalised steps at that rate do not with hidden 4. At the default hidden 16,
  // whether they do is chaotic: a change of rounding (fused multiply-adds in tanh) turned a run
  // that diverged into one that learned. Hidden 4 diverged for seeds 0–2, on both builds.)
  test('seq2seq --optimizer adam --lr 9.9 --hidden 4 on the course pairs stops with DIVERGED, and --save leaves the existing model untouched', async () => {
    const model = path.join(tmp, 'good');
    const made = await cli(['seq2seq', COURSE, '--iterations', '50', '--quiet', '--save', model]);
    assert.equal(made.code, 0, made.stderr);
    const names = (await readdir(model)).sort();
    const before = await Promise.all(names.map((n) => readFile(path.join(model, n))));
    const r = await cli(['seq2seq', COURSE, '--optimizer', 'adam', '--lr', '9.9', '--hidden', '4', '--quiet', '--save', model]);
    const line = oneLineError(r, 'lr 9.9');
    assert.equal(r.code, 1);
    assert.match(line, /Training diverged: the median loss of the last 200 batches is [\d.]+ at epoch \d+, batch \d+ \(step \d+\), above 27\.1, .* Lower the learning rate \(now --lr 9\.9\), for example to --lr 0\.001, or turn on gradient clipping/);
    assert.deepEqual((await readdir(model)).sort(), names);
    for (const [i, n] of names.entries()) assert.deepEqual(await readFile(path.join(model, n)), before[i], `${n} untouched`);
    assert.deepEqual((await readdir(tmp)).filter((n) => n.includes('tmp')), [], 'no temporary folders');
  });
});
