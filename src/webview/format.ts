/** Number formatting and the verdict sentence: pure, so tested in Node. */
import type { ForecastResult } from '../shared/forecast';

/** A number for tables: 4 significant digits, thousands kept readable. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '–';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e7 || a < 1e-4)) return x.toExponential(digits - 1);
  return a >= 1000 ? x.toFixed(2) : x.toPrecision(digits);
}

/**
 * An honest sentence: persistence is the bar a forecaster has to clear. `scope` says what the
 * metrics cover: a training run's held-out test windows, or every window of a file a saved model
 * was applied to.
 */
export function verdict(r: ForecastResult, scope: 'test' | 'all' = 'test'): string {
  const m = r.test.rmse;
  const n = r.naive.rmse;
  const rmse = scope === 'test' ? 'test RMSE' : 'RMSE over every window';
  if (!Number.isFinite(m) || !Number.isFinite(n)) return 'The metrics are not finite numbers: the model diverged. Lower the learning rate and try again.';
  if (m > n) {
    return `The LSTM loses to the persistence baseline: its ${rmse} is ${fmt(m)} against ${fmt(n)} for simply repeating the last value. ` +
      'On this series it has not learned anything beyond "the next value is the last one"; do not trust its forecast more than that.';
  }
  const gain = n > 0 ? ((n - m) / n) * 100 : 0;
  return `The LSTM beats the persistence baseline: ${rmse} ${fmt(m)} against ${fmt(n)} (${gain.toFixed(1)}% lower).`;
}

/** The line under the metrics: what was measured and how the model was made. */
export function runInfo(r: ForecastResult, scope: 'test' | 'all'): string {
  const info =
    scope === 'test'
      ? [
          `${r.testWindows} test windows, ${r.rows} rows, features ${r.features.join(', ')}.`,
          `Backend ${r.backend}, trained in ${r.trainSeconds.toFixed(1)} s, final loss ${fmt(r.finalLoss)}${r.stoppedEarly ? ' (stopped early)' : ''}.`,
        ]
      : [`${r.testWindows} windows, ${r.rows} rows, features ${r.features.join(', ')}.`, `Backend ${r.backend}; the saved model was applied as it is, nothing was trained.`];
  const note = r.test.mapeNote ?? r.naive.mapeNote;
  if (note) info.push(note);
  return info.join(' ');
}

