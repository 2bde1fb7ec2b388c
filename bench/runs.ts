/**
 * The run store's targets, measured (issue 10):
 *  - appending metrics while training costs under 1% of the course's lab 11-4 training time;
 *  - the Runs tree lists 1,000 stored runs in under 500 ms.
 *
 *   node --import tsx bench/runs.ts [--repeat 3]
 *
 * The append cost is timed where it is paid: the writer's synchronous work on the training
 * thread (each epoch's line, each flush's call), summed, against the same run's training time. A
 * with/without comparison of whole runs would measure the machine's noise (a few %), not the store.
 * The listing is what the tree does: listRuns over a folder of 1,000 done runs of 500 epochs each,
 * first with an empty cache (each run.json read; its metrics summary stands for metrics.jsonl),
 * then again with the tree's cache (only the files' sizes and times looked at). The verdict is the
 * slowest of all those listings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runForecast } from '../src/engine/forecast/run';
import type { TrainEvent } from '../src/shared/events';
import { listRuns, RunWriter, type ListingCache } from '../src/extension/runs/store';

const { values: args } = parseArgs({ options: { repeat: { type: 'string', default: '3' } } });
const repeat = Math.max(1, Number(args.repeat) || 1);
const STOCK = resolve(__dirname, '..', 'examples', 'stock_daily.csv');

async function appendCost(root: string): Promise<{ trainSeconds: number; writerMs: number; pct: number }> {
  const options = { order: 'reverse' as const, epochs: 500, backend: 'wasm' as const };
  const writer = await RunWriter.create(root, { kind: 'forecast', datasetPath: STOCK, config: options, seed: 0, backend: 'wasm', tfjsVersion: '' });
  let writerMs = 0;
  const onEvent = (e: TrainEvent) => {
    const t0 = performance.now();
    writer.onEvent(e);
    writerMs += performance.now() - t0;
  };
  // The flushes' synchronous part (the appendFile call) is timed too.
  const flush = writer.flush.bind(writer);
  writer.flush = () => {
    const t0 = performance.now();
    const p = flush();
    writerMs += performance.now() - t0;
    return p;
  };
  const run = await runForecast(STOCK, options, { onEvent });
  await writer.end({ status: 'done', result: run.result });
  run.dispose();
  const trainSeconds = run.result.trainSeconds;
  return { trainSeconds, writerMs, pct: (100 * writerMs) / (trainSeconds * 1000) };
}

async function makeRuns(root: string, n: number, epochs: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const w = await RunWriter.create(root, { kind: 'forecast', id: `2025-01-01T00-00-00-000Z-${String(i).padStart(4, '0')}`, datasetPath: STOCK, config: { epochs, seqLength: 7 }, seed: i, backend: 'wasm', tfjsVersion: '' });
    for (let e = 1; e <= epochs; e++) w.metric({ step: e, epoch: e, t: e / 1000, loss: 1 / e, valLoss: 1.1 / e });
    await w.end({ status: 'done', headline: { rmse: 10, naiveRmse: 8 } });
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-bench-runs-'));
  try {
    const costs = [];
    for (let r = 0; r < repeat; r++) costs.push(await appendCost(join(dir, 'append')));
    const worst = costs.reduce((a, b) => (a.pct > b.pct ? a : b));
    console.log(`load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
    console.log(`metrics appending, lab 11-4 (500 epochs): ${costs.map((c) => `${c.writerMs.toFixed(2)} ms of ${(c.trainSeconds * 1000).toFixed(0)} ms = ${c.pct.toFixed(3)}%`).join('; ')} -> worst ${worst.pct.toFixed(3)}% (target < 1%) ${worst.pct < 1 ? 'PASS' : 'FAIL'}`);

    const root = join(dir, 'many');
    await makeRuns(root, 1000, 500);
    const time = async (cache?: ListingCache) => {
      const t0 = performance.now();
      const n = (await listRuns(root, { cache })).length;
      if (n !== 1000) throw new Error(`listed ${n} runs`);
      return performance.now() - t0;
    };
    const cold: number[] = [];
    const warm: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const cache: ListingCache = new Map();
      cold.push(await time(cache));
      warm.push(await time(cache));
    }
    const ms = (a: number[]) => a.map((t) => t.toFixed(0)).join(', ');
    const slowest = Math.max(...cold, ...warm);
    console.log(`Runs tree listing, 1000 runs of 500 epochs: first listing (every run.json read) ${ms(cold)} ms; refresh (the tree's cache) ${ms(warm)} ms; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores -> slowest ${slowest.toFixed(0)} ms (target < 500 ms) ${slowest < 500 ? 'PASS' : 'FAIL'}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
