/**
 * Loss curves of stored runs, as the charts view and Compare Runs draw them and export them: the
 * smoothing, the thinning for drawing, the colours, the config table and the CSV. Pure and
 * browser-safe: the host (export, table) and the pages (smoothing, drawing) take the same code,
 * so what is drawn and what is exported cannot disagree.
 */
import type { MetricsLine } from './runs';

/**
 * Okabe & Ito's colour-blind-safe palette (black dropped: it vanishes on dark themes). A run's
 * colour is its place in the comparison, so it stays put while smoothing or axes change.
 */
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'] as const;

export function runColor(index: number): string {
  return OKABE_ITO[index % OKABE_ITO.length];
}

/**
 * TensorBoard's smoothing: an exponential moving average debiased for its zero start, so the
 * first points are not dragged toward 0. `weight` 0 is the raw curve; 0.99 is very smooth.
 * A point that is not finite (a diverged step) is kept as it is and does not enter the average:
 * nothing is filtered out silently.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  const out = new Array<number>(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    n++;
    out[i] = w === 0 ? y : last / (1 - Math.pow(w, n));
  }
  return out;
}

/**
 * At most about `max` points to draw, keeping each bucket's lowest and highest value (in their
 * order) plus the first and last point, so a spike or a dip survives thinning. A value that is not
 * finite (a diverged step, a missing held-out loss as NaN) takes no part in a bucket's extremes; a
 * bucket with none keeps its first point. Returns indices.
 */
export function thinIndices(values: readonly number[], max: number): number[] {
  const n = values.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(max / 2));
  const size = n / buckets;
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < values[lo]) lo = i;
      if (hi < 0 || v > values[hi]) hi = i;
    }
    if (lo < 0) out.push(from);
    else if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  if (out[0] !== 0) out.unshift(0);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/** One row of the config table: an option, its value in each run, and whether they differ. */
export interface ConfigRow {
  key: string;
  values: string[];
  differs: boolean;
}

function cell(v: unknown): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The union of the runs' config keys (in first-seen order), each with every run's value. */
export function configRows(configs: readonly Readonly<Record<string, unknown>>[]): ConfigRow[] {
  const keys: string[] = [];
  for (const c of configs) for (const k of Object.keys(c)) if (!keys.includes(k)) keys.push(k);
  return keys.map((key) => {
    const values = configs.map((c) => cell(c[key]));
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}

/** A run's curves as columns, for the pages (smaller than an array of objects). */
export interface CurveColumns {
  step: number[];
  epoch: number[];
  t: number[];
  loss: number[];
  /** null where the line had none. */
  valLoss: (number | null)[];
}

export function curveColumns(lines: readonly MetricsLine[]): CurveColumns {
  return {
    step: lines.map((m) => m.step),
    epoch: lines.map((m) => m.epoch),
    t: lines.map((m) => m.t),
    loss: lines.map((m) => m.loss),
    valLoss: lines.map((m) => m.valLoss ?? null),
  };
}

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Every line of every run's metrics.jsonl, undownsampled, as one CSV: `run` first, then step,
 * epoch, t, loss, valLoss, then any other metric any run logged (empty where a run has none).
 */
export function metricsCsv(runs: readonly { id: string; metrics: readonly MetricsLine[] }[]): string {
  const fixed = ['step', 'epoch', 't', 'loss', 'valLoss'];
  const extra: string[] = [];
  for (const r of runs) for (const m of r.metrics) for (const k of Object.keys(m)) if (!fixed.includes(k) && !extra.includes(k)) extra.push(k);
  const cols = [...fixed, ...extra];
  const lines = [['run', ...cols].join(',')];
  for (const r of runs) {
    const id = csvField(r.id);
    for (const m of r.metrics) lines.push([id, ...cols.map((c) => (m[c] === undefined ? '' : String(m[c])))].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * The curve thinned for drawing: the points `thinIndices` keeps for the training loss and those
 * it keeps for the held-out loss, together and in order, so neither curve loses a spike to the
 * other's thinning (at most about `max` points per curve, 2·max in all).
 */
export function thinCurve(c: CurveColumns, max: number): CurveColumns {
  if (c.loss.length <= max) return c;
  const keep = thinIndicesOfAny(c.valLoss.some((v) => v !== null) ? [c.loss, c.valLoss.map((v) => v ?? NaN)] : [c.loss], max);
  const pick = <T>(a: T[]) => keep.map((i) => a[i]);
  return { step: pick(c.step), epoch: pick(c.epoch), t: pick(c.t), loss: pick(c.loss), valLoss: pick(c.valLoss) };
}

/**
 * Rows thinned to about `max` by `thinIndices` on each of their series (`max` shared between
 * them): a row kept for any series' low or high is kept whole, in order.
 */
export function thinRows<T>(rows: readonly T[], max: number, series: readonly ((r: T) => number)[]): T[] {
  if (rows.length <= max) return rows.slice();
  const per = Math.max(2, Math.floor(max / series.length));
  return thinIndicesOfAny(series.map((value) => rows.map(value)), per).map((i) => rows[i]);
}

/** The indices `thinIndices` keeps (to about `max`) for any of the series, in order. */
function thinIndicesOfAny(series: readonly (readonly number[])[], max: number): number[] {
  if (series.length === 1) return thinIndices(series[0], max);
  const keep = new Set<number>();
  for (const values of series) for (const i of thinIndices(values, max)) keep.add(i);
  return [...keep].sort((a, b) => a - b);
}

/**
 * Appends `added` to `rows` one at a time; whenever `rows` passes twice `keep`, it is thinned to
 * about `keep` (thinRows). Live series stay bounded however long a run trains, their spikes kept;
 * two sides that append the same rows in the same order hold the same series, however the rows
 * were batched on their way.
 */
export function appendBounded<T>(rows: T[], added: readonly T[], keep: number, series: readonly ((r: T) => number)[]): void {
  for (const r of added) {
    rows.push(r);
    if (rows.length > 2 * keep) rows.splice(0, rows.length, ...thinRows(rows, keep, series));
  }
}
