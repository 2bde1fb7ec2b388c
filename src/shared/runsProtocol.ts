/**
 * Messages of the two run views that read the store: the charts view in the side bar
 * (viewType rnnLab.charts) and the Compare Runs panel (rnnLab.compareRuns), with the validation
 * of everything their pages send and of the state a Compare panel is restored from. Imports only
 * src/shared, so the host and the page bundles both take it.
 */
import type { CurveColumns } from './curves';
import { bare, bool, num, obj, onlyKeys, oneOf, parsePageMessage, ProtocolError, type PageBasics } from './protocol';
import type { RunKind, RunStatus } from './runs';

/** One run's curve as a view draws it. `label` is dataset text (a file name): pages show it through textContent or plotlyText. */
export interface CurveRun {
  id: string;
  label: string;
  color: string;
  kind: RunKind;
  status: RunStatus;
  curve: CurveColumns;
}

/** The charts view's mini chart, in CSS pixels: the page draws it at this size, the host thins to it. */
export const MINI_CHART = { width: 260, height: 90, pad: 4 } as const;
/** Points per curve the host sends: a lowest and a highest value per pixel column of the plot. */
export const MINI_CHART_POINTS = 2 * (MINI_CHART.width - 2 * MINI_CHART.pad);

/** A run of the charts view; `key` names its slot (the run's folder) from one message to the next. */
export interface ChartRun extends CurveRun {
  key: string;
}

/**
 * The charts to draw: `order` every slot, in order; `runs` only those that are new or changed
 * since the last message (the page keeps the others). The first message after `ready` has all.
 */
export type HostToCharts = { type: 'runs'; order: string[]; runs: ChartRun[]; note: string };
export type ChartsToHost = PageBasics;

/** A run in the comparison: its curve (every line), its options and its headline figures. */
export interface CompareRun extends CurveRun {
  config: Record<string, unknown>;
  headline: Record<string, number | null>;
}

export type XAxis = 'step' | 'time';

/** What a Compare panel keeps with setState: the runs (folders, read again from disk) and the controls. */
export interface CompareViewState {
  dirs: string[];
  smoothing: number;
  xAxis: XAxis;
  logY: boolean;
  diffOnly: boolean;
}

export const DEFAULT_COMPARE_VIEW = { smoothing: 0.6, xAxis: 'step', logY: true, diffOnly: false } as const satisfies Omit<CompareViewState, 'dirs'>;

export type HostToCompare = { type: 'runs'; runs: CompareRun[]; view: CompareViewState; problems: string[] };
export type CompareToHost =
  | PageBasics
  /** The controls changed: the host keeps them for the serializer's state. */
  | { type: 'view'; view: CompareViewState }
  | { type: 'exportCsv' };

/** Most runs a comparison takes (the tree's selection; more would not be readable in one chart). */
export const MAX_COMPARED = 50;

/** A restored or posted CompareViewState; throws ProtocolError on anything unexpected. */
export function parseCompareView(x: unknown): CompareViewState {
  const o = obj(x, 'view');
  onlyKeys(o, ['dirs', 'smoothing', 'xAxis', 'logY', 'diffOnly']);
  const dirs = o.dirs;
  if (!Array.isArray(dirs) || dirs.length > MAX_COMPARED) throw new ProtocolError(`dirs must be an array of at most ${MAX_COMPARED} folders`);
  for (const d of dirs) if (typeof d !== 'string' || d.length > 4096 || !(d.startsWith('/') || /^[A-Za-z]:[\\/]/.test(d))) throw new ProtocolError('dirs must hold absolute paths');
  const smoothing = num(o, 'smoothing');
  if (smoothing < 0 || smoothing >= 1) throw new ProtocolError('smoothing must be in [0, 1)');
  return { dirs: dirs as string[], smoothing, xAxis: oneOf(o, 'xAxis', ['step', 'time'] as const), logY: bool(o, 'logY'), diffOnly: bool(o, 'diffOnly') };
}

export function parseCompareMessage(x: unknown): CompareToHost {
  return parsePageMessage<CompareToHost>(x, {
    exportCsv: bare('exportCsv'),
    view: (o) => (onlyKeys(o, ['type', 'view']), { type: 'view', view: parseCompareView(o.view) }),
  });
}

export function parseChartsMessage(x: unknown): ChartsToHost {
  return parsePageMessage<ChartsToHost>(x, {});
}
