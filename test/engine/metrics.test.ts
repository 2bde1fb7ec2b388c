// Forecast error metrics at the extremes of float64: values whose squares overflow (1e200) give
// the hand-computed metrics, a forecast of data ×1e200 scores exactly 1e200 times the same data's,
// and values too far outside the training range, or columns wider than float64, are refused with
// the column (and line) instead of an internal "non-finite inputs" error.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../src/engine/backend';
import { errorMetrics } from '../../src/engine/metrics';
import { runForecast } from '../../src/engine/forecast/run';
import { assertClose } from '../helpers/close';
import { expectErrorAsync } from './data/helpers';

describe('errorMetrics at the edges of float64', () => {
  let tmp: string;
  before(async () => {
    await initBackend('wasm');
    tmp = await mkdtemp(path.join(tmpdir(), 'rnn-lab-metrics-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('magnitudes near 1e200: errors 0.5e200 and 0 give RMSE 0.5e200/√2, MAE 0.25e200, MAPE 25%', () => {
    const m = errorMetrics([1e200, 2e200], [1.5e200, 2e200]);
    assertClose([m.rmse, m.mae, m.mape!], [0.5e200 / Math.SQRT2, 0.25e200, 25], 'huge', 1e-14, 0);
    const tiny = errorMetrics([1e-200, 3e-200], [2e-200, 3e-200]);
    assertClose([tiny.rmse, tiny.mae, tiny.mape!], [1e-200 / Math.SQRT2, 0.5e-200, 50], 'tiny', 1e-14, 0);
    // Ordinary values are unchanged by the scaling: (3-1)² and (2-2)² → RMSE √2, MAE 1, MAPE 100·(2/1)/2.
    assert.deepEqual(errorMetrics([1, 2], [3, 2]), { rmse: Math.SQRT2, mae: 1, mape: 100 });
    const z = errorMetrics([0, 2], [1, 2]);
    assert.equal(z.mape, null);
    assert.match(z.mapeNote ?? '', /window 1 is 0/);
  });

  const sineCsv = async (name: string, scale: number, edit?: (rows: string[]) => void) => {
    const rows = ['x,y'];
    for (let i = 0; i < 60; i++) rows.push(`${scale * (2 + Math.sin(i / 3))},${scale * (2 + Math.cos(i / 5))}`);
    edit?.(rows);
    const file = path.join(tmp, name);
    await writeFile(file, rows.join('\n') + '\n');
    return file;
  };
  const SMALL = { seqLength: 4, hidden: 3, epochs: 3, horizon: 2, backend: 'wasm' as const };

  test('a forecast of data ×1e200 scores 1e200 times the same data (min-max scaling sees the same numbers)', async () => {
    const a = await runForecast(await sineCsv('one.csv', 1), SMALL);
    const b = await runForecast(await sineCsv('huge.csv', 1e200), SMALL);
    for (const k of ['rmse', 'mae'] as const) {
      assertClose([b.result.test[k] / 1e200, b.result.naive[k] / 1e200], [a.result.test[k], a.result.naive[k]], k, 1e-6, 0);
    }
    assertClose([b.result.test.mape!], [a.result.test.mape!], 'mape', 1e-6, 0);
    a.dispose();
    b.dispose();
  });

  test('a value far outside the training range is refused with its line and column; so is a column wider than float64', async () => {
    const far = await sineCsv('far.csv', 1, (rows) => (rows[58] = '2,1e200'));
    const e = await expectErrorAsync(() => runForecast(far, SMALL), 'NON_NUMERIC_CELL');
    assert.equal(e.location.line, 59);
    assert.match(e.toString(), /far\.csv:59: The value 1e\+200 of column "y" lies too far outside the training rows' range/);
    const wide = await sineCsv('wide.csv', 1, (rows) => {
      rows[2] = '-1.5e308,1';
      rows[3] = '1.5e308,1';
    });
    const w = await expectErrorAsync(() => runForecast(wide, SMALL), 'NON_NUMERIC_CELL');
    assert.match(w.message, /Column "x" of .*wide\.csv spans -1\.5e\+308 to 1\.5e\+308/);
  });
});
