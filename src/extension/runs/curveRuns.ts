/**
 * Stored runs read as curves, for the two views that draw them (the charts view, Compare Runs)
 * and the CSV export: each run's every metrics line, its options and figures, and its colour by
 * its place in the list. Plain Node, no `vscode`, so the bench times exactly what the views run.
 */
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { curveColumns, runColor, thinCurve, type CurveColumns } from '../../shared/curves';
import { parseMetrics, type MetricsLine } from '../../shared/runs';
import { MINI_CHART_POINTS, type ChartRun, type CompareRun, type HostToCharts } from '../../shared/runsProtocol';
import { filesKey, readRun, readRunHead, statRunFiles, type RunHead } from './store';

const labelOf = (run: RunHead['run']) => `${basename(run.dataset.path)} · ${run.id}`;

/** The runs of `dirs`, read whole now, in order (their colours follow it); unreadable ones are named in `problems`. */
export async function readCompared(dirs: readonly string[]): Promise<{ runs: (CompareRun & { dir: string; metrics: MetricsLine[] })[]; problems: string[] }> {
  const problems: string[] = [];
  const read = await Promise.all(
    dirs.map((dir) =>
      readRun(dir).catch((e: unknown) => {
        problems.push(`${dir}: ${(e as Error).message}`);
        return null;
      }),
    ),
  );
  const runs = read.flatMap((r, i) =>
    r
      ? [{ dir: r.dir, id: r.id, label: labelOf(r.run), color: runColor(i), kind: r.run.kind, status: r.run.status, curve: curveColumns(r.metrics), config: r.run.config, headline: r.run.headline, metrics: r.metrics }]
      : [],
  );
  return { runs, problems };
}

/** One run's curve as the charts view last read it. */
interface CachedCurve {
  /** The sizes and times of the run's files when read (filesKey). */
  key: string;
  head: RunHead;
  curve: CurveColumns;
  /** Bytes of metrics.jsonl read, up to the end of its last complete line: a running run is read on from here. */
  offset: number;
}

/** A run's metrics.jsonl from byte `from`, as far as its last complete line (a writer may be mid-line). */
async function readLines(file: string, from: number): Promise<{ text: string; end: number }> {
  const f = await open(file, 'r').catch(() => null);
  if (!f) return { text: '', end: 0 };
  try {
    const { size } = await f.stat();
    const buf = Buffer.alloc(Math.max(0, size - from));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await f.read(buf, got, buf.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const end = buf.lastIndexOf(10, got - 1) + 1;
    return { text: buf.toString('utf8', 0, end), end: from + end };
  } finally {
    await f.close();
  }
}

function append(a: CurveColumns, b: CurveColumns): CurveColumns {
  return { step: a.step.concat(b.step), epoch: a.epoch.concat(b.epoch), t: a.t.concat(b.t), loss: a.loss.concat(b.loss), valLoss: a.valLoss.concat(b.valLoss) };
}

/**
 * The charts view's data, read as little as it can be: each run's curve is kept (as columns, not
 * lines) with the sizes and times of its files, so a redraw reads only the runs whose files
 * changed; a running run's metrics.jsonl is read on from where the last read stopped (its writer
 * only appends); each curve is thinned to the chart's pixel width, keeping each column's lowest and
 * highest point (thinCurve), so spikes survive; and a message carries only the runs that changed
 * since the last one.
 */
export class ChartFeed {
  private readonly cache = new Map<string, CachedCurve>();
  /** What the page was last sent, per slot: a run is sent again when this changes. */
  private readonly sent = new Map<string, string>();

  /** The page lost what it had (it loaded again): the next message sends every run. */
  reset(): void {
    this.sent.clear();
  }

  private async curve(dir: string): Promise<CachedCurve> {
    const stats = await statRunFiles(dir);
    const key = filesKey(stats);
    const hit = this.cache.get(dir);
    // A running run's status follows the clock (its heartbeat): its run.json is read again.
    if (hit && hit.key === key && hit.head.run.status !== 'running') return hit;
    const head = await readRunHead(dir, Date.now(), stats);
    let entry: CachedCurve;
    if (head.legacy) {
      entry = { key, head, curve: curveColumns(head.legacyPoints ?? []), offset: 0 };
    } else {
      const file = join(dir, 'metrics.jsonl');
      const size = stats['metrics.jsonl']?.size ?? 0;
      const from = hit && !hit.head.legacy && hit.head.run.status === 'running' && size >= hit.offset ? hit.offset : 0;
      const { text, end } = await readLines(file, from);
      let lines: MetricsLine[];
      try {
        lines = parseMetrics(text);
      } catch (e) {
        // A bad line among the new ones: read the whole file, so the error names its line.
        if (from === 0) throw e;
        return this.readAgain(dir);
      }
      entry = { key, head, curve: from ? append(hit!.curve, curveColumns(lines)) : curveColumns(lines), offset: end };
    }
    this.cache.set(dir, entry);
    return entry;
  }

  private async readAgain(dir: string): Promise<CachedCurve> {
    this.cache.delete(dir);
    return this.curve(dir);
  }

  /** The message for the runs of `dirs` (in order; colours follow it); unreadable ones are named in `problems`. */
  async message(dirs: readonly string[], note: string): Promise<{ message: HostToCharts; problems: string[] }> {
    const problems: string[] = [];
    const read = await Promise.all(
      dirs.map((dir) =>
        this.curve(dir).catch((e: unknown) => {
          problems.push(`${dir}: ${(e as Error).message}`);
          // The page drops a run left out of `order`: once it reads again, it is sent whole.
          this.sent.delete(dir);
          return null;
        }),
      ),
    );
    // Only the runs drawn now stay cached.
    for (const d of [...this.cache.keys()]) if (!dirs.includes(d)) this.cache.delete(d);
    for (const d of [...this.sent.keys()]) if (!dirs.includes(d)) this.sent.delete(d);
    const order: string[] = [];
    const runs: ChartRun[] = [];
    read.forEach((c, i) => {
      if (!c) return;
      const dir = dirs[i];
      const color = runColor(i);
      const run = c.head.run;
      order.push(dir);
      const version = `${c.key}|${c.curve.loss.length}|${color}|${run.status}`;
      if (this.sent.get(dir) === version) return;
      this.sent.set(dir, version);
      runs.push({ key: dir, id: run.id, label: labelOf(run), color, kind: run.kind, status: run.status, curve: thinCurve(c.curve, MINI_CHART_POINTS) });
    });
    return { message: { type: 'runs', order, runs, note }, problems };
  }
}
