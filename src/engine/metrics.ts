/**
 * Evaluation metrics. Forecast errors are in the target's original units. Every number returned
 * is finite or null with a reason: a report never shows NaN or Infinity.
 */
import type { ErrorMetrics } from './forecast/types';

export function errorMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): ErrorMetrics {
  const n = actual.length;
  if (n === 0 || predicted.length !== n) throw new Error(`errorMetrics: ${n} actual vs ${predicted.length} predicted values`);
  let se = 0;
  let ae = 0;
  let ape = 0;
  let zeroAt = -1;
  for (let i = 0; i < n; i++) {
    const d = predicted[i] - actual[i];
    se += d * d;
    ae += Math.abs(d);
    if (actual[i] === 0) {
      if (zeroAt < 0) zeroAt = i;
    } else {
      ape += Math.abs(d / actual[i]);
    }
  }
  const out: ErrorMetrics = { rmse: Math.sqrt(se / n), mae: ae / n, mape: null };
  if (zeroAt >= 0) out.mapeNote = `MAPE is undefined: the actual value of test window ${zeroAt + 1} is 0.`;
  else out.mape = (100 * ape) / n;
  if (!Number.isFinite(out.rmse) || !Number.isFinite(out.mae) || (out.mape !== null && !Number.isFinite(out.mape))) {
    throw new Error('errorMetrics: non-finite inputs');
  }
  return out;
}
