/**
 * `npm run bench`: RNN Lab against the course's PyTorch code, side by side, on this machine, in one
 * run. Each workload runs the PyTorch reference (bench/reference/*.py under Debian's torch with
 * OpenBLAS) and ours (the built CLI / library) alternately, `--repeat` times each, and reports the
 * best time of each and their ratio, plus the accuracy checks the targets ask for.
 *
 *   npm run bench                       all workloads
 *   npm run bench -- --only lab11-4     one workload (gemm, lab11-4, lab11-5, worker, batched, kor-eng-5min, one-thread,
 *                                       etth1, memory, leaks, latency, vocabulary)
 *   npm run bench -- --quick            fewer iterations/epochs (a smoke run; ratios still valid per iteration)
 *   npm run bench -- --seeds 3          seeds per side for the kor-eng accuracy (default 3; the mean is compared)
 *   npm run bench -- --only kor-eng-5min --minutes 1
 *                                       the Batched preset against the course's batch-1 loop on kor-eng.txt,
 *                                       each for the same wall time (default 5 minutes)
 *
 * It first prints the host: the CPU's vector width (AVX2 / AVX-512 / NEON), the core count and the
 * peak multiply-add rate they give, the yardstick for every GEMM rate below (PyTorch's BLAS, and
 * RNN Lab's per engine: WASM SIMD128, WASM relaxed SIMD in Node and in headless Chromium, and
 * onnxruntime's native GEMM).
 *
 * Results also go to bench/results/latest.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SEQ2SEQ_OPTIONS } from '../src/shared/options/seq2seq';
import { PRESETS } from '../src/shared/seq2seqProtocol';
import type { Seq2SeqOptions } from '../src/shared/seq2seq';

const root = resolve(__dirname, '..');
const data = join(root, 'examples');
const cli = join(root, 'dist', 'cli.js');
const PY = '/usr/bin/python3';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '2' },
    seeds: { type: 'string', default: '3' },
    minutes: { type: 'string', default: '5' },
  },
});
const repeat = Math.max(1, Number(args.repeat));
const seeds = Math.max(1, Math.floor(Number(args.seeds)) || 1);
const want = (name: string) => !args.only || args.only.includes(name);

interface Row {
  workload: string;
  metric: string;
  pytorch: number | string | null;
  ours: number | string | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
}
const rows: Row[] = [];

function lastJson(stdout: string, label: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${label}: no JSON on the last line of stdout:\n${stdout.slice(-2000)}`);
  }
}

function run(cmd: string, argv: string[], label: string, env: Record<string, string> = {}, timeoutMs = 30 * 60_000): Record<string, unknown> {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs, env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-3000)}`);
  return lastJson(r.stdout, label);
}

function torchAvailable(): { ok: boolean; why?: string } {
  if (!existsSync(PY)) return { ok: false, why: `${PY} not found` };
  const r = spawnSync(PY, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, why: 'Debian torch is not installed (apt-get install python3-torch python3-numpy libopenblas0-pthread)' };
  return { ok: true };
}

const torch = torchAvailable();
if (!torch.ok) console.error(`PyTorch reference unavailable: ${torch.why}. Ours will be measured alone; ratios are blank.`);
let openblas: { gflops: number; openblas: boolean } | null = null;

/** Run a reference script; `withData` passes --data (lab11_5.py has its four pairs inline). */
function pytorch(script: string, argv: string[], withData = true, env: Record<string, string> = {}): Record<string, unknown> | null {
  if (!torch.ok) return null;
  const out = run(PY, [join(root, 'bench', 'reference', script), ...(withData ? ['--data', data] : []), ...argv], script, env);
  openblas = { gflops: Number(out.gflops), openblas: Boolean(out.openblas) };
  if (!out.openblas) console.error(`WARNING: torch ran at ${out.gflops} GFLOP/s on a 512² matmul: not OpenBLAS, the comparison does not count.`);
  return out;
}

function add(row: Omit<Row, 'ratio' | 'pass'> & { ratio?: number | null; pass?: boolean | null }): void {
  rows.push({ ratio: null, pass: null, ...row });
}

// ---------------------------------------------------------------------------------------------

function lab114(): void {
  const iters = args.quick ? 100 : 500;
  let pt: Record<string, unknown> | null = null;
  let ours: Record<string, unknown> | null = null;
  // Each of our runs also saves its model (after the timed training), for the PyTorch check below.
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-bench-'));
  try {
    for (let i = 0; i < repeat; i++) {
      const p = pytorch('lab11_4.py', ['--iterations', String(iters)]);
      if (p && (!pt || Number(p.msPerIter) < Number(pt.msPerIter))) pt = p;
      const model = join(dir, `model-${i}`);
      const o = run(process.execPath, [cli, 'forecast', join(data, 'stock_daily.csv'), '--order', 'reverse', '--epochs', String(iters), '--save', model, '--json', '--quiet'], 'rnn-lab forecast');
      o.msPerIter = (Number(o.trainSeconds) * 1000) / iters;
      o.model = model;
      if (!ours || Number(o.msPerIter) < Number(ours.msPerIter)) ours = o;
    }
    const ptMs = pt ? Number(pt.msPerIter) : null;
    const ourMs = Number(ours!.msPerIter);
    const ratio = ptMs ? ourMs / ptMs : null;
    add({ workload: 'lab 11-4', metric: 'ms per iteration', pytorch: ptMs, ours: ourMs, ratio, target: '≤ 0.25× PyTorch', pass: ratio === null ? null : ratio <= 0.25 });
    const ourRmse = Number((ours!.test as { rmse: number }).rmse);
    const ptRmse = pt ? Number(pt.testRmse) : null;
    const rel = ptRmse ? Math.abs(ourRmse - ptRmse) / ptRmse : null;
    add({ workload: 'lab 11-4', metric: `test RMSE, $ (${iters} iterations)`, pytorch: ptRmse, ours: ourRmse, ratio: ptRmse ? ourRmse / ptRmse : null, target: 'within 10% of PyTorch', pass: rel === null ? null : rel <= 0.1 });
    add({ workload: 'lab 11-4', metric: 'persistence RMSE, $', pytorch: pt ? Number(pt.naiveRmse) : null, ours: Number((ours!.naive as { rmse: number }).rmse), target: 'same windows: equal', pass: pt ? Math.abs(Number(pt.naiveRmse) - Number((ours!.naive as { rmse: number }).rmse)) < 1e-3 : null });

    // That run's saved model.safetensors loaded into the course's PyTorch Net
    // (bench/reference/load_rnnlab.py) must give the test RMSE and next-day forecast it reported.
    const loaded = torch.ok ? run(PY, [join(root, 'bench', 'reference', 'load_rnnlab.py'), String(ours!.model), '--data', data], 'load_rnnlab.py') : null;
    const ourNext = (ours!.forecast as number[])[0];
    const agree = loaded ? Math.max(Math.abs(Number(loaded.testRmse) - ourRmse) / ourRmse, Math.abs(Number(loaded.nextValue) - ourNext) / Math.abs(ourNext)) : null;
    add({
      workload: 'lab 11-4',
      metric: 'our saved model.safetensors in the course\'s PyTorch Net: test RMSE $ / next value $',
      pytorch: loaded ? `${Number(loaded.testRmse).toFixed(4)} / ${Number(loaded.nextValue).toFixed(4)}` : null,
      ours: `${ourRmse.toFixed(4)} / ${ourNext.toFixed(4)}`,
      target: 'equal (≤ 1e-5 relative)',
      pass: agree === null ? null : agree <= 1e-5,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function lab115(): void {
  const iters = args.quick ? 1000 : 5000;
  const pairsFile = join(root, 'test', 'engine', 'seq2seq', 'files', 'course.txt'); // the course's four pairs
  let pt: Record<string, unknown> | null = null;
  let ours: Record<string, unknown> | null = null;
  for (let i = 0; i < repeat; i++) {
    const p = pytorch('lab11_5.py', ['--iterations', String(iters)], false);
    if (p && (!pt || Number(p.seconds) < Number(pt.seconds))) pt = p;
    const o = run(process.execPath, [cli, 'seq2seq', pairsFile, '--iterations', String(iters), '--json', '--quiet'], 'rnn-lab seq2seq (lab 11-5)');
    if (!ours || Number(o.trainSeconds) < Number(ours.trainSeconds)) ours = o;
  }
  const ptS = pt ? Number(pt.seconds) : null;
  const ourS = Number(ours!.trainSeconds);
  const ratio = ptS ? ourS / ptS : null;
  add({ workload: 'lab 11-5', metric: `seconds for ${iters} batch-1 iterations`, pytorch: ptS, ours: ourS, ratio, target: '≤ 0.10× PyTorch', pass: ratio === null ? null : ratio <= 0.1 });
  const exact = Math.round(Number((ours!.test as { exactMatch: number }).exactMatch) * Number(ours!.pairs));
  add({ workload: 'lab 11-5', metric: 'pairs translated exactly', pytorch: pt ? `${pt.exact}/${pt.pairs}` : null, ours: `${exact}/${ours!.pairs}`, target: 'all 4', pass: exact === 4 });
}

/** Median of a list of epoch times. */
/** As numpy's median (the reference scripts'): the middle value, or the mean of the middle two. */
function median(a: number[]): number {
  const s = a.slice().sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Our batched kor-eng run (hidden 256, batches of 64, Adam) in a child process through the
 * library: its per-epoch times, as the engine reports them, and its held-out accuracy.
 */
function ourKorEng(o: { epochs: number; seed: number; testFile?: string; threads?: number }): { times: number[]; test: { tokenAccuracy: number }; engine: string } {
  const split = o.testFile ? `testFile: ${JSON.stringify(o.testFile)}` : 'testFraction: 0.1';
  const script = `const e = require(${JSON.stringify(join(root, 'dist', 'engine', 'index.js'))});
const times = []; let last = 0; let engine = '';
e.runSeq2Seq(${JSON.stringify(join(data, 'kor-eng.txt'))}, { hidden: 256, epochs: ${o.epochs}, batchSize: 64, optimizer: 'adam', lr: 0.001, seed: ${o.seed}, ${split}, backend: 'wasm', threads: ${o.threads ?? 0} }, {
  onEvent: (ev) => { if (ev.type === 'start') engine = ev.engine; if (ev.type === 'epochEnd') { times.push(ev.elapsedSeconds - last); last = ev.elapsedSeconds; } },
}).then((run) => { console.log(JSON.stringify({ times, engine, test: run.result.test, trainSeconds: run.result.trainSeconds })); run.dispose?.(); })
  .catch((err) => { console.error(err && err.message || err); process.exit(1); });`;
  return run(process.execPath, ['-e', script], `rnn-lab seq2seq (kor-eng, seed ${o.seed})`) as unknown as ReturnType<typeof ourKorEng>;
}

/**
 * The course's workload (lab 11-5, 5,000 batch-1 iterations) as the extension runs it: through the
 * training worker (dist/worker.js) from a host-side WorkerSession, with everything the training
 * panel asks for (thinned batch ends, metrics and samples every 1,000 steps, the run stored,
 * events posted to the host), against the CLI's time for the same training. Both are the engine's
 * own training time.
 *
 * The machine is shared, and a run's time moves by a third with the load (0.16–0.34 s for the
 * same CLI run, back to back, on the AMD EPYC); so the two run in pairs, the order alternating,
 * and the target is judged on the median of the pairs' ratios: the two runs of a pair share the
 * machine's load, and the median drops the pairs one side of which the load hit. Best times,
 * beside it, were the judge before, and moved from 0.97× to 1.30× over three runs of 25 pairs on
 * 2026-12-02 (one lucky CLI run decides them), while the median of the ratios stayed at
 * 1.01–1.03×. At least 25 pairs.
 * The worker runs without the bench's tsx loader, as in the extension host (see WorkerSession).
 */
async function workerOverhead(): Promise<void> {
  const { WorkerSession } = await import('../src/extension/core/workerSession');
  const iters = args.quick ? 1000 : 5000;
  const pairs = Math.max(repeat, 25);
  const pairsFile = join(data, 'course-pairs.tsv');
  const runs = mkdtempSync(join(tmpdir(), 'rnnlab-bench-runs-'));
  const cliTimes: number[] = [];
  const workerTimes: number[] = [];
  let events = 0;
  const loadBefore = loadavg()[0];
  const cliRun = () => {
    const o = run(process.execPath, [cli, 'seq2seq', pairsFile, '--iterations', String(iters), '--json', '--quiet'], 'rnn-lab seq2seq (lab 11-5)');
    cliTimes.push(Number(o.trainSeconds));
  };
  const workerRun = async (i: number) => {
    const session = new WorkerSession(join(root, 'dist', 'worker.js'), undefined, { execArgv: [] });
    try {
      const options = { iterations: iters, sampleEvery: 1 };
      let n = 0;
      const outcome = await session.request({ type: 'seq2seq.train', file: pairsFile, fileName: 'course-pairs.tsv', options, store: { root: runs, runId: `2026-01-01T00-00-00-${String(i).padStart(3, '0')}Z` } }, () => n++);
      workerTimes.push(outcome.result.trainSeconds);
      events = n;
    } finally {
      session.dispose();
    }
  };
  try {
    for (let i = 0; i < pairs; i++) {
      if (i % 2 === 0) {
        cliRun();
        await workerRun(i);
      } else {
        await workerRun(i);
        cliRun();
      }
    }
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
  const bestRatio = Math.min(...workerTimes) / Math.min(...cliTimes);
  const ratio = median(workerTimes.map((w, i) => w / cliTimes[i]));
  const load = `load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;
  add({
    workload: 'lab 11-5 in the extension',
    metric: `median seconds for ${iters} iterations and the median of ${pairs} alternating pairs' ratios (best ${Math.min(...cliTimes).toFixed(2)} / ${Math.min(...workerTimes).toFixed(2)}, their ratio ${bestRatio.toFixed(2)}×): CLI / worker with the panel's events (${events} events); ${load}`,
    pytorch: null,
    ours: `${median(cliTimes).toFixed(2)} / ${median(workerTimes).toFixed(2)}`,
    ratio,
    target: 'worker ≤ 1.1× CLI',
    pass: ratio <= 1.1,
  });
}

/**
 * Ours runs in a child process through the library, so the epoch time is the median of the
 * engine's own per-epoch times, measured as PyTorch's script measures its epochs (the first
 * epoch, which warms caches on both sides, counts as one sample of the median). Seed 0 of each
 * side gives the times.
 *
 * Accuracy: one training run's held-out accuracy moves by about half a point with the seed (the
 * initial weights and the batch order), as much as the gap the target asks about. So each side
 * trains `--seeds` times (seeds 0, 1, …: PyTorch's initial weights and shuffle, ours likewise),
 * every run measured on the same held-out pairs, and the means are compared.
 */
function batchedSeq2seq(): void {
  const epochs = args.quick ? 3 : 20;
  const n = args.quick ? 1 : seeds;
  // Both sides are measured on the same held-out pairs: the reference writes its split.
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-bench-'));
  const testFile = join(dir, 'test-pairs.txt');
  const ptRuns: Record<string, unknown>[] = [];
  const ourRuns: ReturnType<typeof ourKorEng>[] = [];
  try {
    for (let seed = 0; seed < n; seed++) {
      // Alternate the sides, so both see the same machine state.
      const p = pytorch('seq2seq_batched.py', ['--epochs', String(epochs), '--seed', String(seed), ...(seed === 0 ? ['--test-out', testFile] : [])]);
      if (p) ptRuns.push(p);
      ourRuns.push(ourKorEng({ epochs, seed, testFile: existsSync(testFile) ? testFile : undefined }));
      console.error(`kor-eng seed ${seed}: PyTorch ${p ? pct(Number(p.tokenAccuracy)) : '—'}, ours ${pct(ourRuns[seed].test.tokenAccuracy)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ourEpoch = median(ourRuns[0].times);
  console.error(`kor-eng kernels: ${ourRuns[0].engine}`);
  const ptEpoch = ptRuns.length ? Number(ptRuns[0].medianEpochSeconds) : null;
  const ratio = ptEpoch ? ourEpoch / ptEpoch : null;
  add({ workload: 'kor-eng, hidden 256, batches of 64', metric: 'seconds per epoch (median, seed 0)', pytorch: ptEpoch, ours: ourEpoch, ratio, target: '≤ 0.8× PyTorch', pass: ratio === null ? null : ratio <= 0.8 });
  const ptAccs = ptRuns.map((p) => Number(p.tokenAccuracy));
  const ourAccs = ourRuns.map((o) => o.test.tokenAccuracy);
  const ptAcc = ptAccs.length ? mean(ptAccs) : null;
  const ourAcc = mean(ourAccs);
  const each = (a: number[]) => (a.length > 1 ? ` (${a.map(pct).join(', ')})` : '');
  add({
    workload: 'kor-eng, hidden 256, batches of 64',
    metric: `held-out token accuracy after ${epochs} epochs, same test pairs, mean of ${n} seed${n > 1 ? 's' : ''}`,
    pytorch: ptAcc === null ? null : `${pct(ptAcc)}${each(ptAccs)}`,
    ours: `${pct(ourAcc)}${each(ourAccs)}`,
    ratio: null,
    target: '≥ PyTorch',
    pass: ptAcc === null || args.quick ? null : ourAcc >= ptAcc,
  });
}

/**
 * One preset on kor-eng.txt for at most `seconds` of wall time, in a child process through the
 * library: held-out metrics at every report (the live set holds every held-out pair, so a report's
 * token accuracy is the held-out one), stopped at the first report past the budget. Its answer is
 * the last report within the budget: the model as it was at that time, measured.
 */
function korEngFor(label: string, options: Partial<Seq2SeqOptions>, seconds: number): { tokenAccuracy: number; seconds: number; steps: number; reports: number; testPairs: number; pairs: number; finished: boolean } {
  const script = `const e = require(${JSON.stringify(join(root, 'dist', 'engine', 'index.js'))});
const budget = ${seconds};
const ac = new AbortController();
const file = ${JSON.stringify(join(data, 'kor-eng.txt'))};
const options = ${JSON.stringify({ ...options, sampleEvery: 1, backend: 'wasm' })};
let at = 0, step = 0, last = null, reports = 0, check = null;
e.checkSeq2SeqFile(file, options).then((c) => {
  check = c;
  return e.runSeq2Seq(file, options, {
    signal: ac.signal,
    onEvent: (ev) => {
      if (ev.type === 'batchEnd') step = ev.step;
      if (ev.type === 'epochEnd') { at = ev.elapsedSeconds; if (at > budget) ac.abort(); }
      if (ev.type === 'metrics' && at <= budget) { reports++; last = { tokenAccuracy: ev.values.tokenAccuracy, seconds: at, steps: step }; }
    },
  });
}).then((run) => { run.dispose?.(); return true; }, (err) => { if (!err || err.code !== 'CANCELLED') throw err; return false; })
  .then((finished) => console.log(JSON.stringify({ ...last, reports, testPairs: check.testPairs, pairs: check.pairsKept, finished })))
  .catch((err) => { console.error(err && err.message || err); process.exit(1); });`;
  const r = run(process.execPath, ['-e', script], label, {}, (seconds + 600) * 1000) as unknown as ReturnType<typeof korEngFor>;
  if (r.tokenAccuracy === undefined) throw new Error(`${label}: no report within ${seconds} s`);
  return r;
}

/**
 * The issue's kor-eng target: in the same wall time (`--minutes`, 5 by default), the Batched preset
 * (hidden 256, Adam, batches of 64, its 20 epochs unless the time runs out first) against the
 * course's batch-1 loop (hidden 16, SGD, one pair a step, as many steps as the time allows), both
 * with the course's length limits, seed 0 and a test fraction of 0.1: the same pairs kept and the
 * same held-out pairs (the split is a seeded shuffle of the kept pairs).
 */
function korEngMinutes(): void {
  const minutes = Number(args.minutes);
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number of minutes, not ${args.minutes}`);
  const seconds = minutes * 60;
  const common: Partial<Seq2SeqOptions> = { sourceMaxLength: 10, targetMaxLength: 12, testFraction: 0.1, seed: 0 };
  const { epochs: _e, ...course } = PRESETS.course;
  const load = loadavg()[0];
  const batched = korEngFor('kor-eng, Batched preset', { ...PRESETS.batched, ...common } as Partial<Seq2SeqOptions>, seconds);
  const loop = korEngFor("kor-eng, the course's batch-1 loop", { ...course, ...common, iterations: SEQ2SEQ_OPTIONS.iterations.max } as Partial<Seq2SeqOptions>, seconds);
  if (batched.testPairs !== loop.testPairs) throw new Error(`kor-eng: the two runs held out different pairs (${batched.testPairs} and ${loop.testPairs})`);
  const said = (r: typeof batched, unit: string) => `${pct(r.tokenAccuracy)} at ${r.seconds.toFixed(0)} s (${r.steps} ${unit}${r.finished ? ', preset done' : ''})`;
  console.error(`kor-eng ${minutes} min: Batched ${said(batched, 'steps')}, course loop ${said(loop, 'steps')}; ${batched.testPairs} held-out pairs; load average ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
  add({
    workload: `kor-eng.txt, ${minutes} min each`,
    metric: `held-out token accuracy, same ${batched.testPairs} test pairs: course batch-1 loop / Batched preset (load average ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
    pytorch: null,
    ours: `${said(loop, 'steps')} / ${said(batched, 'steps')}`,
    target: 'Batched higher',
    pass: batched.tokenAccuracy > loop.tokenAccuracy,
  });
}

/**
 * One thread on each side: PyTorch with OPENBLAS_NUM_THREADS=1 (its OpenMP already runs one
 * thread here), ours with --threads 1 (WASM helpers and onnxruntime's pool both at one). Three
 * epochs of seed 0 (two with --quick); the median epoch (the first warms caches on both sides).
 */
function oneThread(): void {
  const epochs = args.quick ? 2 : 3;
  const p = pytorch('seq2seq_batched.py', ['--epochs', String(epochs), '--seed', '0'], true, { OPENBLAS_NUM_THREADS: '1' });
  const o = ourKorEng({ epochs, seed: 0, threads: 1 });
  console.error(`one thread: PyTorch ${p ? Number(p.medianEpochSeconds).toFixed(2) : '—'} s, ours ${median(o.times).toFixed(2)} s (${o.engine})`);
  const pt = p ? Number(p.medianEpochSeconds) : null;
  const ours = median(o.times);
  const ratio = pt ? ours / pt : null;
  add({ workload: 'kor-eng, one thread each side', metric: 'seconds per epoch (median)', pytorch: pt, ours, ratio, target: '≤ 1.0× PyTorch (OPENBLAS_NUM_THREADS=1)', pass: ratio === null ? null : ratio <= 1 });
}

/** An ETTh1-sized CSV: 17,420 hourly rows, a date and ETTh1's 7 columns (OT, the target, last). */
function writeEtth1Like(file: string): void {
  const lines = ['date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT'];
  const t0 = Date.UTC(2016, 6, 1);
  let noise = 12345;
  const rnd = () => ((noise = (noise * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  for (let i = 0; i < 17_420; i++) {
    const d = new Date(t0 + i * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const day = Math.sin((2 * Math.PI * i) / 24), week = Math.sin((2 * Math.PI * i) / 168), year = Math.sin((2 * Math.PI * i) / 8760);
    const cols = [5 + 2 * day + week + rnd(), 2 + day * 0.5 + rnd() * 0.5, 4 + 1.5 * day + week + rnd(), 1 + 0.4 * week + rnd() * 0.3, 3 + day + rnd() * 0.5, 1 + 0.2 * day + rnd() * 0.2];
    const ot = 15 + 8 * year + 3 * day + 0.5 * cols[0] + rnd();
    lines.push([d, ...cols.map((c) => c.toFixed(3)), ot.toFixed(3)].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/**
 * Our per-epoch training times for the ETTh1-sized file, through the library in a child (as
 * ourKorEng): each epoch as the reference's script times its epochs, whose median it reports (the
 * first epoch, which also starts the helper thread and warms the caches, is one sample of it).
 */
function ourForecastEpochs(file: string, epochs: number): number[] {
  const script = `const e = require(${JSON.stringify(join(root, 'dist', 'engine', 'index.js'))});
const times = []; let last = 0;
e.runForecast(${JSON.stringify(file)}, { seqLength: 24, hidden: 32, batchSize: 256, epochs: ${epochs}, horizon: 0, backend: 'wasm' }, {
  onEvent: (ev) => { if (ev.type === 'epochEnd') { times.push(ev.elapsedSeconds - last); last = ev.elapsedSeconds; } },
}).then((run) => { console.log(JSON.stringify({ times })); run.dispose?.(); })
  .catch((err) => { console.error(err && err.message || err); process.exit(1); });`;
  return (run(process.execPath, ['-e', script], 'rnn-lab forecast (ETTh1-sized)') as unknown as { times: number[] }).times;
}

/** ETTh1-sized forecasting: seq_length 24, hidden 32, batches of 256, Adam; the median epoch on both sides. */
function etth1(): void {
  const epochs = args.quick ? 2 : 5;
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-bench-'));
  try {
    const file = join(dir, 'etth1_like.csv');
    writeEtth1Like(file);
    let pt: number | null = null;
    let ours = Infinity;
    for (let i = 0; i < repeat; i++) {
      const p = pytorch('forecast_batched.py', ['--csv', file, '--epochs', String(epochs)], false);
      if (p) pt = Math.min(pt ?? Infinity, Number(p.secondsPerEpoch));
      ours = Math.min(ours, median(ourForecastEpochs(file, epochs)));
    }
    const ratio = pt ? ours / pt : null;
    add({ workload: 'ETTh1-sized forecast, 17,420 rows × 7 columns', metric: `median epoch of ${epochs}, seconds (seq 24, hidden 32, batch 256)`, pytorch: pt, ours, ratio, target: '≤ 0.5× PyTorch', pass: ratio === null ? null : ratio <= 0.5 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The host's vector width and cores, and the peak multiply-add rate they give. */
interface Host {
  cpu: string;
  vector: 'AVX-512' | 'AVX2' | 'NEON' | 'unknown';
  cores: number;
  ghz: number | null;
  /** GMAC/s of every core, assuming two FMA pipes per core (Skylake-SP and later Xeons, Zen 4); null when the clock is unknown. */
  peak: number | null;
}

function host(): Host {
  const info = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const flags = /^(flags|Features)\s*:(.*)$/m.exec(info)?.[2].split(/\s+/) ?? [];
  const vector = flags.includes('avx512f') ? 'AVX-512' : flags.includes('avx2') ? 'AVX2' : flags.includes('asimd') || process.arch === 'arm64' ? 'NEON' : 'unknown';
  const lanes = { 'AVX-512': 16, AVX2: 8, NEON: 4, unknown: 4 }[vector];
  const mhz = Math.max(...[...info.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1])), 0);
  const ghz = mhz > 0 ? mhz / 1000 : null;
  const cores = availableParallelism();
  return { cpu: /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? process.arch, vector, cores, ghz, peak: ghz ? ghz * lanes * 2 * cores : null };
}

const machine = host();

function ofPeak(gmacs: number, threads: number): string {
  if (!machine.peak) return '';
  return ` (${((100 * gmacs) / ((machine.peak * threads) / machine.cores)).toFixed(0)}% of ${threads === machine.cores ? 'nominal peak' : `${threads}-core nominal peak`})`;
}

/**
 * GEMM rates on the issue's shapes: PyTorch's BLAS (every core, and OPENBLAS_NUM_THREADS=1), and
 * ours per engine (bench/gemm.ts, in Node, where kernels/wasm.ts turns Node 20's relaxed-SIMD
 * flag on; and both builds in headless Chromium, bench/gemmBrowser.ts).
 */
async function gemm(): Promise<void> {
  const label = (M: number, K: number, N: number) => `GEMM ${M}×${K}×${N}`;
  const ptAll = pytorch('gemm.py', [], false) as { rates: { M: number; K: number; N: number; gmacs: number }[] } | null;
  const ptOne = pytorch('gemm.py', [], false, { OPENBLAS_NUM_THREADS: '1' }) as typeof ptAll;
  const ours = JSON.parse(spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'gemm.ts')], { cwd: root, encoding: 'utf8' }).stdout) as { engine: string; threads: number; M: number; K: number; N: number; gmacs: number }[];
  const { browserGemm } = await import('./gemmBrowser');
  const browser = await browserGemm().catch((e: Error) => {
    console.error(`headless Chromium GEMM skipped: ${e.message.split('\n')[0]}`);
    return null;
  });
  const shapes = ptAll?.rates ?? ours.filter((r) => r.engine === 'WASM SIMD128' && r.threads === 1);
  for (const { M, K, N } of shapes) {
    const pick = (rs: { M: number; K: number; N: number; gmacs: number }[] | undefined) => rs?.find((r) => r.M === M && r.K === K && r.N === N)?.gmacs ?? null;
    for (const threads of [...new Set([machine.cores, 1])]) {
      const pt = pick(threads === 1 ? ptOne?.rates : ptAll?.rates);
      for (const o of ours.filter((r) => r.M === M && r.K === K && r.N === N && r.threads === threads)) {
        add({ workload: label(M, K, N), metric: `GMAC/s, ${threads} thread${threads > 1 ? 's' : ''}: ${o.engine}${ofPeak(o.gmacs, threads)}`, pytorch: pt === null ? null : `${pt.toFixed(1)}${ofPeak(pt, threads)}`, ours: o.gmacs, ratio: pt ? pt / o.gmacs : null, target: '— (ratio: PyTorch time / ours)', pass: null });
      }
    }
    for (const b of browser?.rates.filter((r) => r.M === M && r.K === K && r.N === N) ?? []) {
      add({ workload: label(M, K, N), metric: `GMAC/s, 1 thread: ${b.engine}, Chromium ${browser!.version}${ofPeak(b.gmacs, 1)}`, pytorch: null, ours: b.gmacs, target: '—', pass: null });
    }
  }
}

function mean(a: number[]): number {
  return a.reduce((s, x) => s + x, 0) / a.length;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** A synthetic minute-by-minute CSV: a date column and five numeric columns. */
async function writeBigCsv(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  let buf = 'date,a,b,c,d,target\n';
  const t0 = Date.UTC(2000, 0, 1);
  for (let i = 0; i < n; i++) {
    const d = new Date(t0 + i * 60_000).toISOString().slice(0, 16).replace('T', ' ');
    const s = Math.sin(i / 50);
    buf += `${d},${(s + 1).toFixed(5)},${(s * 2).toFixed(5)},${((i % 97) / 97).toFixed(5)},${Math.cos(i / 30).toFixed(5)},${(s * 10 + 50).toFixed(4)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  await new Promise<void>((r) => out.end(buf, () => r()));
}

async function memoryRun(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-bench-'));
  try {
    const n = args.quick ? 200_000 : 1_000_000;
    const file = join(dir, `rows_${n}.csv`);
    await writeBigCsv(file, n);
    const probe = join(dir, 'probe.cjs');
    // Runs the CLI in-process and reports its peak resident set size.
    writeFileSync(probe, `const { main } = require(${JSON.stringify(cli)});
main(process.argv.slice(2)).then((code) => { process.stderr.write('MAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n'); process.exit(code); });\n`);
    const r = spawnSync(process.execPath, [probe, 'forecast', file, '--epochs', '1', '--batch-size', '1024', '--horizon', '0', '--json', '--quiet'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`memory run failed:\n${r.stderr.slice(-2000)}`);
    const mib = Number(/MAXRSS_KB (\d+)/.exec(r.stderr)?.[1]) / 1024;
    const o = lastJson(r.stdout, 'memory');
    const label = `forecast, ${n.toLocaleString('en')} rows × 5 columns`;
    add({ workload: label, metric: 'peak RSS, MiB (1 epoch, batch 1024)', pytorch: null, ours: Math.round(mib), target: '< 1024 MiB', pass: mib < 1024 });
    add({ workload: label, metric: 'epoch seconds', pytorch: null, ours: Number(o.trainSeconds), target: '—', pass: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function leaks(): Promise<void> {
  const engine = require(join(root, 'dist', 'engine', 'index.js'));
  const counts: number[] = [];
  const run = await engine.runForecast(join(data, 'stock_daily.csv'), { order: 'reverse', epochs: 20, batchSize: 64, backend: 'wasm' }, {
    onEvent: (e: { type: string }) => {
      if (e.type === 'epochEnd') counts.push(engine.tensorCount());
    },
  });
  run.dispose();
  const same = counts.every((c) => c === counts[0]);
  add({ workload: 'forecast, 20 epochs × 8 batches', metric: 'live tensors after each epoch', pytorch: null, ours: `${Math.min(...counts)}…${Math.max(...counts)}`, target: 'constant', pass: same });
}

/** The extension in code-server + Chromium: host round trips while training, and activation (bench/latency.ts). */
async function latency(): Promise<void> {
  const { measureLatency } = await import('./latency');
  const r = await measureLatency();
  const label = 'VS Code extension (code-server)';
  add({ workload: label, metric: 'extension host round trip during training, p99 ms', pytorch: null, ours: r.p99, target: '< 50 ms', pass: r.p99 < 50 });
  add({ workload: label, metric: 'extension host round trip during training, p50 ms', pytorch: null, ours: r.p50, target: '—', pass: null });
  if (r.activationMs !== null) add({ workload: label, metric: 'activation, ms (as the extension logs it)', pytorch: null, ours: r.activationMs, target: '≤ 200 ms', pass: r.activationMs <= 200 });
}

/** The vocabulary panel with 50,000 words in code-server + Chromium (bench/vocabulary.ts). */
async function vocabulary(): Promise<void> {
  const { measureVocabulary, WORDS } = await import('./vocabulary');
  const r = await measureVocabulary();
  const label = `vocabulary panel, ${WORDS.toLocaleString('en-US')} words`;
  add({ workload: label, metric: 'first rows drawn after a new query, median ms', pytorch: null, ours: r.firstRowsMs, target: '≤ 100 ms', pass: r.firstRowsMs <= 100 });
  add({ workload: label, metric: 'first sort by word, rows drawn, ms', pytorch: null, ours: r.firstSortMs, target: '≤ 100 ms', pass: r.firstSortMs <= 100 });
  add({ workload: label, metric: 'filter applied, rows drawn, median ms', pytorch: null, ours: r.filterMs, target: '≤ 100 ms', pass: r.filterMs <= 100 });
  add({ workload: label, metric: 'palette Enter to first rows (webview load, worker, file read), ms', pytorch: null, ours: r.openMs, target: '—', pass: null });
}

function fmt(v: number | string | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm run bench does).');
  console.log(`host: ${machine.cpu}, ${machine.vector}, ${machine.cores} cores${machine.ghz ? ` at ${machine.ghz.toFixed(2)} GHz` : ''}; peak ${machine.peak ? `${machine.peak.toFixed(0)} GMAC/s nominal (cores × /proc/cpuinfo's GHz × lanes × 2 FMA pipes, assumed; cores that turbo above that clock, as a VM's often do, pass 100%)` : 'unknown'}`);
  if (want('gemm')) await gemm();
  if (want('lab11-4')) lab114();
  if (want('lab11-5')) lab115();
  if (want('worker')) await workerOverhead();
  if (want('batched')) batchedSeq2seq();
  if (want('kor-eng-5min')) korEngMinutes();
  if (want('one-thread')) oneThread();
  if (want('etth1')) etth1();
  if (want('memory')) await memoryRun();
  if (want('leaks')) await leaks();
  if (want('latency')) await latency();
  if (want('vocabulary')) await vocabulary();
  const header = ['workload', 'metric', 'PyTorch', 'RNN Lab', 'ratio', 'target', 'pass'];
  const table = rows.map((r) => [r.workload, r.metric, fmt(r.pytorch), fmt(r.ours), r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`, r.target, r.pass === null ? '—' : r.pass ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(line(t));
  if (openblas) console.log(`\nPyTorch: Debian torch, 512² matmul at ${openblas.gflops} GFLOP/s (${openblas.openblas ? 'OpenBLAS' : 'NOT OpenBLAS: does not count'}).`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), JSON.stringify({ date: new Date().toISOString(), host: machine, openblas, rows }, null, 2));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
