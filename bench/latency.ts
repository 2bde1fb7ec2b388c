/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser.)
/**
 * Responsiveness of the extension host while training runs, in a real VS Code: the packaged .vsix
 * in code-server 4.100.3 driven by headless Chromium (the e2e harness, test/e2e/harness.ts).
 *
 * Opens stock_daily.csv's forecast form, starts a long training (3000 epochs in batches of 16) and,
 * while the worker trains, times round trips webview → extension host → webview (the run page's
 * `window.rnnLabPing`, only in the bench build; the host answers each ping request with a reply). Also reads the activation time the
 * extension logs in its output channel ("Activated in … ms").
 *
 *   node --import tsx bench/latency.ts     prints p50/p99 and the activation time
 *   npm run bench -- --only latency        the same, as rows of the bench table (bench/run.ts)
 *
 * Uses RNN_LAB_VSIX and CODE_SERVER_ENTRY when set (as `npm run test:e2e` does); otherwise packages
 * the .vsix when it is missing or older than the sources, and sets code-server up with
 * scripts/setup-code-server.sh (cached under ~/.cache/rnn-lab).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { extensionLog, launch, repoRoot, runView, startForecast, waitFor, type Env } from '../test/e2e/harness';

export interface LatencyResult {
  /** Round-trip times, ms. */
  p50: number;
  p99: number;
  /** Round trips measured (all while training ran). */
  n: number;
  /** `activate()` time the extension logged, ms; null when the log was not found. */
  activationMs: number | null;
}

/** Round trips wanted; each batch of PING_BATCH counts only if training was still running after it. */
const ROUND_TRIPS = 300;
const PING_BATCH = 25;
/** Enough that training outlasts the measurement (300 epochs take only ~3 s here); stopped when done. */
const EPOCHS = 3000;
const BATCH_SIZE = 16;

const log = (line: string) => process.stderr.write(`[latency] ${line}\n`);

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The .vsix to measure: RNN_LAB_VSIX, else the repository's bench build (it has the ping hook), packaged again when stale. */
export function vsixPath(): string {
  if (process.env.RNN_LAB_VSIX) return process.env.RNN_LAB_VSIX;
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(repoRoot, `${pkg.name}-${pkg.version}-bench.vsix`);
  const sources = Math.max(newestMtime(join(repoRoot, 'src')), statSync(join(repoRoot, 'package.json')).mtimeMs);
  if (!existsSync(vsix) || statSync(vsix).mtimeMs < sources) {
    log('packaging the .vsix (missing or older than src/)');
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), '--bench'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return vsix;
}

export function codeServerEntry(): string {
  if (process.env.CODE_SERVER_ENTRY) return process.env.CODE_SERVER_ENTRY;
  const out = execFileSync('bash', [join(repoRoot, 'scripts', 'setup-code-server.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  return out.trim().split('\n').pop()!;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function ping(run: Frame, n: number): Promise<number[]> {
  return run.evaluate((k) => (window as unknown as { rnnLabPing(n: number): Promise<number[]> }).rnnLabPing(k), n);
}

/** Round trips while the run panel says training, in batches; a batch that overlapped the end is dropped. */
async function pingWhileTraining(run: Frame, wanted: number): Promise<number[]> {
  const times: number[] = [];
  while (times.length < wanted) {
    const batch = await ping(run, PING_BATCH);
    const v = await runView(run);
    if (v.phase !== 'training') {
      throw new Error(`training ended (${v.phase}: ${v.status}) after ${times.length} round trips; raise EPOCHS in bench/latency.ts`);
    }
    times.push(...batch);
  }
  return times;
}

/** "Activated in 2.4 ms" from the extension's output channel, once the log file has it. */
async function activationTime(env: Env): Promise<number | null> {
  try {
    return await waitFor(
      async () => {
        const m = /Activated in ([\d.]+) ms/.exec(extensionLog(env.userDataDir) ?? '');
        return m ? Number(m[1]) : null;
      },
      10_000,
      'no activation line in the extension log',
      250,
    );
  } catch (e) {
    log(`activation time not found: ${(e as Error).message}`);
    return null;
  }
}

export async function measureLatency(): Promise<LatencyResult> {
  const vsix = vsixPath();
  const entry = codeServerEntry();
  log(`code-server + Chromium, ${vsix}`);
  const env = await launch({ vsix, entry });
  try {
    const run = await startForecast(env.page, 'stock_daily.csv', { epochs: EPOCHS, batchSize: BATCH_SIZE });
    // Measure while the worker trains, not while it loads tfjs: wait for the first epochs.
    await waitFor(
      async () => {
        const v = await runView(run);
        if (v.phase !== 'training' && v.phase !== '') throw new Error(`run ended as ${v.phase} before the measurement: ${v.status}`);
        return v.points > 0;
      },
      120_000,
      'training did not start',
    );
    const t0 = Date.now();
    const from = (await runView(run)).points;
    const times = await pingWhileTraining(run, ROUND_TRIPS);
    const at = await runView(run);
    log(`${times.length} round trips in ${((Date.now() - t0) / 1000).toFixed(1)} s, during epochs ${from}…${at.points} of ${EPOCHS}`);
    times.sort((a, b) => a - b);
    const activationMs = await activationTime(env);
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), n: times.length, activationMs };
  } finally {
    await env.close();
  }
}

if (require.main === module) {
  measureLatency().then(
    (r) => {
      console.log(`extension host round trip during training: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (n=${r.n}; target p99 < 50 ms)`);
      console.log(`activation: ${r.activationMs === null ? 'not found in the log' : `${r.activationMs} ms`} (target ≤ 200 ms)`);
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (e) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}
