/** Number formatting and the verdict sentence: pure, so tested in Node (in English there: no page, no bundle). */
import type { ForecastResult } from '../shared/forecast';
import { t } from './l10n';

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
  const rmse = scope === 'test' ? t('test RMSE') : t('RMSE over every window');
  if (!Number.isFinite(m) || !Number.isFinite(n)) return t('The metrics are not finite numbers: the model diverged. Lower the learning rate and try again.');
  if (m > n) {
    return t(
      'The LSTM loses to the persistence baseline: its {0} is {1} against {2} for simply repeating the last value. On this series it has not learned anything beyond "the next value is the last one"; do not trust its forecast more than that.',
      rmse,
      fmt(m),
      fmt(n),
    );
  }
  const gain = n > 0 ? ((n - m) / n) * 100 : 0;
  return t('The LSTM beats the persistence baseline: {0} {1} against {2} ({3}% lower).', rmse, fmt(m), fmt(n), gain.toFixed(1));
}

/** The line under the metrics: what was measured and how the model was made. */
export function runInfo(r: ForecastResult, scope: 'test' | 'all'): string {
  const features = r.features.join(', ');
  const info =
    scope === 'test'
      ? [
          t('{0} test windows, {1} rows, features {2}.', r.testWindows, r.rows, features),
          r.stoppedEarly
            ? t('Backend {0}, trained in {1} s, final loss {2} (stopped early).', r.backend, r.trainSeconds.toFixed(1), fmt(r.finalLoss))
            : t('Backend {0}, trained in {1} s, final loss {2}.', r.backend, r.trainSeconds.toFixed(1), fmt(r.finalLoss)),
        ]
      : [t('{0} windows, {1} rows, features {2}.', r.testWindows, r.rows, features), t('Backend {0}; the saved model was applied as it is, nothing was trained.', r.backend)];
  const note = r.test.mapeNote ?? r.naive.mapeNote;
  if (note) info.push(note);
  return info.join(' ');
}

