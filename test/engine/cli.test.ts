// The `rnn-lab` CLI as a user runs it: `node dist/cli.js …` in a child process. Checks the --json
// contract on the course's stock_daily.csv (with the persistence baseline computed here from the
// file), save + predict, and that errors are one line on stderr with a non-zero exit code.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { EXAMPLES, FILES } from './data/helpers';
import { cli, ensureCliBuilt, lastJsonLine, oneLineError } from '../helpers/cli';

const STOCK = path.join(EXAMPLES, 'stock_daily.csv');

/** Persistence baseline on stockDaily's test windows, from the file: course order (reversed), Close is the last column. */
function stockBaseline(): { rows: number; testWindows: number; rmse: number; mae: number; mape: number } {
  const close = readFileSync(STOCK, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => Number(l.split(',').at(-1)))
    .reverse();
  const rows = close.length;
  const trainRows = Math.floor(rows * 0.7);
  let se = 0, ae = 0, ape = 0;
  for (let r = trainRows; r < rows; r++) {
    const d = close[r - 1] - close[r];
    se += d * d;
    ae += Math.abs(d);
    ape += Math.abs(d / close[r]);
  }
  const n = rows - trainRows;
  return { rows, testWindows: n, rmse: Math.sqrt(se / n), mae: ae / n, mape: (100 * ape) / n };
}

const KEYS = ['backend', 'finalLoss', 'forecast', 'naive', 'rows', 'test', 'testWindows', 'trainSeconds'];

describe('rnn-lab CLI', () => {
  let tmp: string;
  before(async () => {
    ensureCliBuilt();
    tmp = await mkdtemp(path.join(tmpdir(), 'rnn-lab-cli-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('forecast stock_daily.csv --order reverse --epochs 30 --json, then --save and predict', async () => {
    const model = path.join(tmp, 'model');
    const r = await cli(['forecast', STOCK, '--order', 'reverse', '--epochs', '30', '--json', '--save', model]);
    assert.equal(r.code, 0, r.stderr);
    const j = lastJsonLine(r.stdout);
    assert.deepEqual(Object.keys(j).sort(), KEYS);
    // The progress names the kernels' build, threads (every core by default) and native GEMM.
    assert.match(r.stderr, new RegExp(`^backend wasm \\(kernels: WASM relaxed SIMD \\(FMA\\), ${availableParallelism()} threads?; large products on onnxruntime 1\\.30\\.0\\)`, 'm'));
    const hand = stockBaseline();
    assert.equal(j.rows, 732);
    assert.equal(hand.rows, 732);
    assert.equal(j.testWindows, 220);
    assert.equal(hand.testWindows, 220);
    const naive = j.naive as Record<string, number>;
    const testM = j.test as Record<string, number>;
    assert.deepEqual(Object.keys(naive).sort(), ['mae', 'mape', 'rmse']);
    assert.deepEqual(Object.keys(testM).sort(), ['mae', 'mape', 'rmse']);
    // The course's reference: persistence RMSE $7.97 on these windows.
    assert.ok(Math.abs(naive.rmse - 7.968) < 1e-3, `naive RMSE ${naive.rmse}`);
    assert.ok(Math.abs(naive.rmse - hand.rmse) <= 1e-9 * hand.rmse, `naive RMSE ${naive.rmse} vs ${hand.rmse} by hand`);
    assert.ok(Math.abs(naive.mae - hand.mae) <= 1e-9 * hand.mae, `naive MAE ${naive.mae} vs ${hand.mae}`);
    assert.ok(Math.abs(naive.mape - hand.mape) <= 1e-9 * hand.mape, `naive MAPE ${naive.mape} vs ${hand.mape}`);
    for (const v of Object.values(testM)) assert.ok(Number.isFinite(v) && v > 0);
    assert.ok(typeof j.finalLoss === 'number' && Number.isFinite(j.finalLoss));
    assert.ok(typeof j.trainSeconds === 'number' && j.trainSeconds > 0);
    const forecast = j.forecast as number[];
    assert.equal(forecast.length, 7, 'horizon 7 by default');
    assert.ok(forecast.every((v) => Number.isFinite(v) && v > 100), 'forecasts are prices');
    assert.ok(['wasm', 'cpu', 'tensorflow'].includes(j.backend as string));
    assert.match(r.stderr, /saved model to/);

    // predict with the saved model: every window of the file, the same forecast.
    const p = await cli(['predict', model, STOCK, '--json']);
    assert.equal(p.code, 0, p.stderr);
    const pj = lastJsonLine(p.stdout);
    assert.deepEqual(Object.keys(pj).sort(), KEYS);
    assert.equal(pj.rows, 732);
    assert.equal(pj.testWindows, 732 - 7);
    assert.equal(pj.finalLoss, null);
    assert.deepEqual(pj.forecast, j.forecast, 'the saved model forecasts what the trained one did');
    const h = await cli(['predict', model, STOCK, '--json', '--horizon', '2']);
    assert.deepEqual(lastJsonLine(h.stdout).forecast, forecast.slice(0, 2));
    assert.match(oneLineError(await cli(['predict', model, STOCK, '--horizon=-1']), 'predict --horizon=-1'), /horizon/);
  });

  test('errors: one line on stderr naming the place, no stack trace, non-zero exit', async () => {
    const text = path.join(FILES, 'text_in_numeric.csv');
    const e1 = oneLineError(await cli(['forecast', text, '--epochs', '1']), 'text in a numeric column');
    assert.ok(e1.includes(`${text}:3:2`), `names file:line:col: ${e1}`);
    assert.match(e1, /abc/);

    const missing = path.join(tmp, 'nope.csv');
    const e2 = oneLineError(await cli(['forecast', missing]), 'missing file');
    assert.ok(e2.includes(missing), e2);

    const empty = path.join(tmp, 'empty.csv');
    await writeFile(empty, '');
    const e3 = oneLineError(await cli(['forecast', empty]), 'empty CSV');
    assert.ok(e3.includes(empty), e3);

    const e4 = oneLineError(await cli(['predict', path.join(tmp, 'no-model'), STOCK]), 'missing model folder');
    assert.match(e4, /config\.json/);

    const e5 = oneLineError(await cli(['forecast', STOCK, '--order', 'reverse', '--threads', '1.5']), 'fractional thread count');
    assert.match(e5, /threads must be a whole number from 0 to 256, got 1\.5\..*--threads 0/);

    // A usage error: exit 2, the message first, then the usage text.
    const u = await cli(['forecast', STOCK, '--lr', 'abc']);
    assert.equal(u.code, 2);
    assert.match(u.stderr.split('\n')[0], /--lr .*abc/);
    assert.match(u.stderr, /Usage:/);
    assert.doesNotMatch(u.stderr, /^\s+at /m);
    assert.equal(u.stdout, '');
  });
});

describe('rnn-lab COMMAND --help', () => {
  before(() => ensureCliBuilt());

  test('forecast --help and seq2seq --help list every option of their table, with bounds and defaults', async () => {
    const { FORECAST_OPTIONS, SEQ2SEQ_OPTIONS } = await import('../../src/shared/options');
    for (const [command, table] of [['forecast', FORECAST_OPTIONS], ['seq2seq', SEQ2SEQ_OPTIONS]] as const) {
      const r = await cli([command, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: rnn-lab ${command} FILE`));
      for (const s of Object.values(table)) assert.match(r.stdout, new RegExp(`^  --${s.flag}\\b.*${s.help.slice(0, 20).replace(/[()[\]|.*+?]/g, '\\$&')}`, 'm'), `${command}: --${s.flag}`);
    }
    const f = (await cli(['forecast', '--help'])).stdout;
    assert.match(f, /--lr X +Adam learning rate\. A number above 0 and below 10; default 0\.01\./);
    assert.match(f, /--hidden N +LSTM units per layer\. A whole number from 1 to 4096; default 10\./);
    assert.match(f, /--batch-size N\|full +.*"full" or a whole number from 1 to 1,000,000; default full\./);
    assert.match((await cli(['seq2seq', '--help'])).stdout, /^  --attention +Decode with Luong general attention/m);
  });

  test('a bound is the same in the CLI as in the table: --lr 10 fails, naming the flag and the default', async () => {
    const e = oneLineError(await cli(['forecast', STOCK, '--lr', '10', '--epochs', '1']), '--lr 10');
    assert.equal(e, 'rnn-lab: --lr must be a number above 0 and below 10, got 10. The default is --lr 0.01.');
  });
});

describe('rnn-lab forecast --run-dir', () => {
  test('stores the run as the extension does: run.json done with its headline, one metrics line per epoch, the model', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'rnn-lab-cli-runs-'));
    try {
      const runs = path.join(tmp, 'runs');
      const r = await cli(['forecast', STOCK, '--order', 'reverse', '--epochs', '4', '--json', '--run-dir', runs]);
      assert.equal(r.code, 0, r.stderr);
      const j = lastJsonLine(r.stdout);
      const { listRuns, readRun } = await import('../../src/extension/runs/store');
      const [entry] = await listRuns(runs);
      assert.ok(entry && !entry.damaged);
      assert.match(r.stderr, new RegExp(`stored the run in ${entry.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const { run, metrics, hasModel } = await readRun(entry.dir);
      assert.equal(run.kind, 'forecast');
      assert.equal(run.status, 'done');
      assert.equal(run.dataset.path, STOCK);
      assert.deepEqual([run.config.epochs, run.config.order, run.config.target, run.config.seqLength], [4, 'reverse', 'Close', 7]);
      assert.equal(run.headline.rmse, (j.test as { rmse: number }).rmse);
      assert.equal(run.headline.naiveRmse, (j.naive as { rmse: number }).rmse);
      assert.deepEqual(metrics.map((m) => m.epoch), [1, 2, 3, 4]);
      assert.equal(metrics.at(-1)!.loss, j.finalLoss);
      assert.ok(hasModel);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
