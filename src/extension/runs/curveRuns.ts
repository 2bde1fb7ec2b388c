/**
 * Stored runs read as curves, for the two views that draw them (the charts view, Compare Runs)
 * and the CSV export: each run's every metrics line, its options and figures, and its colour by
 * its place in the list. Plain Node, no `vscode`.
 */
import { basename } from 'node:path';
import { curveColumns, runColor } from '../../shared/curves';
import type { MetricsLine } from '../../shared/runs';
import type { CompareRun } from '../../shared/runsProtocol';
import { filesKey, readRun, statRunFiles } from './store';

type ReadRun = Awaited<ReturnType<typeof readRun>>;

/**
 * Runs read before, by folder, with the key of their files: the charts view redraws each time a
 * running run's metrics grow, and re-reads only the folders whose files changed.
 */
export type CurveCache = Map<string, { key: string; run: ReadRun }>;

async function readCached(dir: string, cache: CurveCache | undefined): Promise<ReadRun> {
  if (!cache) return readRun(dir);
  const key = filesKey(await statRunFiles(dir));
  const hit = cache.get(dir);
  // A running run's status follows the clock (its heartbeat): read it again.
  if (hit && hit.key === key && hit.run.run.status !== 'running') return hit.run;
  const run = await readRun(dir);
  cache.set(dir, { key, run });
  return run;
}

/** The runs of `dirs`, read now, in order (their colours follow it); unreadable ones are named in `problems`. */
export async function readCompared(dirs: readonly string[], cache?: CurveCache): Promise<{ runs: (CompareRun & { dir: string; metrics: MetricsLine[] })[]; problems: string[] }> {
  const problems: string[] = [];
  const read = await Promise.all(
    dirs.map((dir) =>
      readCached(dir, cache).catch((e: unknown) => {
        problems.push(`${dir}: ${(e as Error).message}`);
        return null;
      }),
    ),
  );
  const runs = read.flatMap((r, i) =>
    r
      ? [
          {
            dir: r.dir,
            id: r.id,
            label: `${basename(r.run.dataset.path)} · ${r.id}`,
            color: runColor(i),
            kind: r.run.kind,
            status: r.run.status,
            curve: curveColumns(r.metrics),
            config: r.run.config,
            headline: r.run.headline,
            metrics: r.metrics,
          },
        ]
      : [],
  );
  return { runs, problems };
}
